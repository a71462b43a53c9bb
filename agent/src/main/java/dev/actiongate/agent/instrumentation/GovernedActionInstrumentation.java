package dev.actiongate.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isAnnotation;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.actiongate.agent.gate.MethodRegistry;
import dev.actiongate.agent.policy.GovernEntry;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.LoggerFactory;

/**
 * Installs the transformation: every method that carries {@code @GovernedAction}, directly or
 * through the method it overrides, gets {@link GateAdvice} inlined. Nothing else is touched, so
 * methods that are not governed run exactly as compiled.
 */
public final class GovernedActionInstrumentation {

    private GovernedActionInstrumentation() {
    }

    /**
     * Installs the agent's transformer for classes loaded from now on and, with
     * {@code retransform}, for classes already loaded: when the agent was attached to a running
     * JVM, or a govern: entry may name a loaded class. Otherwise nothing of the application is
     * loaded yet, and skipping the retransformation pass saves start-up time.
     *
     * @return the transformer, whose reset restores the original methods when {@code retransform} was set
     */
    public static ResettableClassFileTransformer install(Instrumentation instrumentation, MethodRegistry registry,
                                                         ClassLoader agentLoader, boolean retransform,
                                                         List<GovernEntry> govern) {
        GovernedMethodLocator locator = new GovernedMethodLocator(govern);
        return new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(retransform
                        ? AgentBuilder.RedefinitionStrategy.RETRANSFORMATION
                        : AgentBuilder.RedefinitionStrategy.DISABLED)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new SharedTypePoolCache())
                .with(new FailureListener())
                .ignore(nameStartsWith("dev.actiongate.agent.")
                                .or(nameStartsWith("dev.actiongate.bootstrap."))
                                .or(nameStartsWith("dev.actiongate.launcher."))
                                .or(nameStartsWith("dev.actiongate.shaded."))
                                .or(jdkType(locator))
                                .or(isSynthetic())
                                .or(isAnnotation()),
                        ignoredLoader(agentLoader, locator, govern))
                .type(new DeclaresGovernedMethod(locator))
                .transform((builder, type, loader, module, protectionDomain) ->
                        advise(builder, type, loader, registry, locator))
                .installOn(instrumentation);
    }

    /** JDK types are never governed unless a {@code govern:} entry names one. */
    private static ElementMatcher.Junction<TypeDescription> jdkType(GovernedMethodLocator locator) {
        ElementMatcher.Junction<TypeDescription> jdk = nameStartsWith("java.").or(nameStartsWith("jdk."))
                .or(nameStartsWith("sun.")).or(nameStartsWith("com.sun."));
        return jdk.and(type -> !locator.namesJdkType(type.getName()));
    }

    /** The agent's own loader never; the bootstrap loader only when an entry names a JDK type. */
    private static ElementMatcher<ClassLoader> ignoredLoader(ClassLoader agentLoader, GovernedMethodLocator locator,
                                                             List<GovernEntry> govern) {
        boolean namesJdk = govern.stream().anyMatch(entry -> entry.isMethodEntry()
                && (entry.className().startsWith("java.") || entry.className().startsWith("jdk.")
                || entry.className().startsWith("sun.") || entry.className().startsWith("com.sun.")));
        return namesJdk ? loader -> loader == agentLoader : isBootstrapClassLoader().or(loader -> loader == agentLoader);
    }

    private static DynamicType.Builder<?> advise(DynamicType.Builder<?> builder, TypeDescription type,
                                                 ClassLoader loader, MethodRegistry registry,
                                                 GovernedMethodLocator locator) {
        Map<String, GovernedMethodLocator.Target> governed = locator.governedMethods(type);
        if (governed.isEmpty()) {
            return builder;
        }
        Advice advice = Advice.withCustomMapping()
                .bind(MethodId.class, new MethodIdMapping(registry, governed, loader))
                .to(GateAdvice.class);
        return builder.visit(advice.on(method -> governed.containsKey(GovernedMethodLocator.key(method))));
    }

    private static final class DeclaresGovernedMethod implements ElementMatcher<TypeDescription> {
        private final GovernedMethodLocator locator;

        DeclaresGovernedMethod(GovernedMethodLocator locator) {
            this.locator = locator;
        }

        @Override
        public boolean matches(TypeDescription type) {
            return !locator.governedMethods(type).isEmpty();
        }
    }

    /** An instrumentation that fails must not take the application down; it must be loud. */
    private static final class FailureListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            LoggerFactory.getLogger("actiongate").error("could not instrument {}: its governed methods, if any, are NOT governed", typeName, throwable);
        }
    }
}
