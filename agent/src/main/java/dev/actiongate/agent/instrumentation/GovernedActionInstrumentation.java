package dev.actiongate.agent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isAnnotation;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.actiongate.agent.gate.InstrumentationFailures;
import dev.actiongate.agent.gate.MethodRegistry;
import dev.actiongate.agent.policy.GovernEntry;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.MethodCall;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the transformation: every method that carries {@code @GovernedAction}, directly or
 * through the method it overrides, gets {@link GateAdvice} inlined. Nothing else is touched, so
 * methods that are not governed run exactly as compiled.
 */
public final class GovernedActionInstrumentation {

    private GovernedActionInstrumentation() {}

    /**
     * Installs the agent's transformer for classes loaded from now on and retransforms the
     * classes already loaded: with {@code -javaagent} too, since another agent listed before this
     * one may have loaded application classes, which would otherwise run ungoverned. The pass
     * looks at each loaded class's name and loader first; the JDK's own classes, almost all of
     * what is loaded at {@code premain}, are passed over without parsing.
     *
     * @return the transformer, whose reset restores the original methods
     */
    public static ResettableClassFileTransformer install(
            Instrumentation instrumentation,
            MethodRegistry registry,
            ClassLoader agentLoader,
            List<GovernEntry> govern,
            InstrumentationFailures failures) {
        GovernedMethodLocator locator = new GovernedMethodLocator(govern);
        AgentBuilder.RedefinitionListenable.WithoutBatchStrategy retransforming = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
        // Byte Buddy's own pass over every loaded class is needed only for JDK classes a govern:
        // entry names; the application's loaded classes get one pass below, for both transformers.
        ResettableClassFileTransformer transformer = (namesJdkMethod(govern)
                        ? retransforming
                        : retransforming.redefineOnly())
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(new OverridingTypeStrategy(locator))
                .with(new SharedTypePoolCache())
                // Class file locators held by cached type descriptions must not keep an
                // undeployed application's class loader alive.
                .with(AgentBuilder.LocationStrategy.ForClassLoader.WEAK)
                .with(new FailureListener(failures))
                .ignore(
                        nameStartsWith("dev.actiongate.agent.")
                                .or(nameStartsWith("dev.actiongate.bootstrap."))
                                .or(nameStartsWith("dev.actiongate.launcher."))
                                .or(nameStartsWith("dev.actiongate.shaded."))
                                .or(jdkType(locator))
                                .or(isSynthetic())
                                .or(isAnnotation()),
                        ignoredLoader(agentLoader, govern))
                .type(new DeclaresGovernedMethod(locator))
                .transform((builder, type, loader, module, protectionDomain) ->
                        advise(builder, type, loader, registry, locator, failures))
                .installOn(instrumentation);
        LambdaCallSites lambdas = new LambdaCallSites(locator, agentLoader);
        instrumentation.addTransformer(lambdas, true);
        lambdaCallSites = lambdas;
        retransformLoadedApplicationClasses(instrumentation, agentLoader, failures);
        return transformer;
    }

    private static boolean namesJdkMethod(List<GovernEntry> govern) {
        return govern.stream()
                .anyMatch(entry -> entry.isMethodEntry()
                        && LambdaCallSites.isPlatformName(entry.className().replace('.', '/')));
    }

    /**
     * Gives both transformers the application classes already loaded (by an agent listed before
     * this one, or before an attach): their governed methods get the advice, and their lambda
     * call sites not yet linked create governed lambdas. Usually there are none at {@code premain}.
     */
    private static void retransformLoadedApplicationClasses(
            Instrumentation instrumentation, ClassLoader agentLoader, InstrumentationFailures failures) {
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        List<Class<?>> candidates = new java.util.ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            ClassLoader loader = type.getClassLoader();
            // The JDK's generated accessors and the agent's own classes create no application lambda.
            // A JDK proxy of an application interface has a JDK name (jdk.proxy1.$Proxy12) but is the
            // application's: after a detach and a new attach, the proxies that wrap governed lambdas
            // are loaded already, and without this pass every such lambda would be refused undecided.
            if (loader != null
                    && loader != platform
                    && loader != agentLoader
                    && !type.isHidden()
                    && !type.isArray()
                    && (!LambdaCallSites.isPlatformName(type.getName().replace('.', '/'))
                            || java.lang.reflect.Proxy.isProxyClass(type))
                    && !type.getName().startsWith("dev.actiongate.launcher.")
                    && instrumentation.isModifiableClass(type)) {
                candidates.add(type);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        try {
            instrumentation.retransformClasses(candidates.toArray(Class<?>[]::new));
        } catch (Exception | LinkageError batchFailed) {
            // One class the JVM refuses fails the whole batch: find it, and give the others their pass.
            for (Class<?> type : candidates) {
                try {
                    instrumentation.retransformClasses(type);
                } catch (Exception | LinkageError e) {
                    failures.report(type.getName(), type.getClassLoader(), true, e);
                }
            }
        }
    }

    /** The lambda call-site rewriter in force; one agent runs per JVM. */
    private static volatile ClassFileTransformer lambdaCallSites;

    /** Restores the original methods of every class {@link #install} changed, and stops changing classes. */
    public static void reset(Instrumentation instrumentation, ResettableClassFileTransformer transformer) {
        ClassFileTransformer lambdas = lambdaCallSites;
        if (lambdas != null) {
            instrumentation.removeTransformer(lambdas);
        }
        transformer.reset(instrumentation, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
    }

    /** JDK types are never governed unless a {@code govern:} entry names one. */
    private static ElementMatcher.Junction<TypeDescription> jdkType(GovernedMethodLocator locator) {
        ElementMatcher.Junction<TypeDescription> jdk = nameStartsWith("java.")
                .or(nameStartsWith("jdk."))
                .or(nameStartsWith("sun."))
                .or(nameStartsWith("com.sun."));
        return jdk.and(type -> !locator.namesJdkType(type.getName()));
    }

    /** The agent's own loader never; the bootstrap loader only when an entry names a JDK type. */
    private static ElementMatcher<ClassLoader> ignoredLoader(ClassLoader agentLoader, List<GovernEntry> govern) {
        boolean namesJdk = govern.stream()
                .anyMatch(entry -> entry.isMethodEntry()
                        && (entry.className().startsWith("java.")
                                || entry.className().startsWith("jdk.")
                                || entry.className().startsWith("sun.")
                                || entry.className().startsWith("com.sun.")));
        return namesJdk
                ? loader -> loader == agentLoader
                : isBootstrapClassLoader().or(loader -> loader == agentLoader);
    }

    private static DynamicType.Builder<?> advise(
            DynamicType.Builder<?> builder,
            TypeDescription type,
            ClassLoader loader,
            MethodRegistry registry,
            GovernedMethodLocator locator,
            InstrumentationFailures failures) {
        Map<String, GovernedMethodLocator.Target> governed = new LinkedHashMap<>(locator.governedMethods(type));
        for (Map.Entry<String, GovernedMethodLocator.Inherited> inherited :
                locator.inheritedImplementations(type).entrySet()) {
            MethodDescription implementation = inherited.getValue().implementation();
            if (!inherited.getValue().overridable()) {
                // Loud, not fatal: an added override of a final method would make the class fail to load.
                failures.report(
                        type.getName(),
                        loader,
                        false,
                        new IllegalStateException(type.getName()
                                + " implements a governed method with the final method "
                                + implementation.getDeclaringType().asErasure().getName() + "#"
                                + implementation.getName() + ", which cannot be overridden:"
                                + " calls through the interface run undecided; make that method non-final or implement"
                                + " it in " + type.getSimpleName()));
                continue;
            }
            builder = overriding(builder, implementation);
            governed.put(inherited.getKey(), inherited.getValue().target());
        }
        if (governed.isEmpty()) {
            return builder;
        }
        Advice advice = Advice.withCustomMapping()
                .bind(MethodId.class, new MethodIdMapping(registry, governed, loader))
                .to(GateAdvice.class);
        return builder.visit(advice.on(method -> governed.containsKey(GovernedMethodLocator.key(method))));
    }

    /**
     * Adds to the instrumented class an override of {@code inherited} that calls the superclass's
     * body: the advice then has a body of this class to govern, and callers of the superclass
     * itself, which knows nothing of the interface, stay ungoverned. Parameter names are kept so
     * that conditions can name the arguments.
     */
    private static DynamicType.Builder<?> overriding(DynamicType.Builder<?> builder, MethodDescription inherited) {
        DynamicType.Builder.MethodDefinition.ParameterDefinition.Initial<?> method = builder.defineMethod(
                inherited.getName(), inherited.getReturnType().asErasure(), Visibility.PUBLIC);
        DynamicType.Builder.MethodDefinition.ParameterDefinition<?> parameters = null;
        for (ParameterDescription parameter : inherited.getParameters()) {
            String name = parameter.isNamed() ? parameter.getName() : "arg" + parameter.getIndex();
            parameters = (parameters == null ? method : parameters)
                    .withParameter(parameter.getType().asErasure(), name);
        }
        DynamicType.Builder.MethodDefinition.ExceptionDefinition<?> signature =
                parameters == null ? method : parameters;
        return signature
                .throwing(inherited.getExceptionTypes().asErasures())
                .intercept(MethodCall.invoke(inherited).onSuper().withAllArguments());
    }

    private static final class DeclaresGovernedMethod implements ElementMatcher<TypeDescription> {
        private final GovernedMethodLocator locator;

        DeclaresGovernedMethod(GovernedMethodLocator locator) {
            this.locator = locator;
        }

        @Override
        public boolean matches(TypeDescription type) {
            return !locator.governedMethods(type).isEmpty()
                    || !locator.inheritedImplementations(type).isEmpty();
        }
    }

    /**
     * An instrumentation that fails must not take the application down; it must be loud and leave
     * evidence. Byte Buddy reports errors only for types that passed the ignore matcher, so each is
     * a class the agent was examining: whether it has governed methods may be what failed to be
     * found out, so every one is reported.
     */
    private static final class FailureListener extends AgentBuilder.Listener.Adapter {
        private final InstrumentationFailures failures;

        FailureListener(InstrumentationFailures failures) {
            this.failures = failures;
        }

        @Override
        public void onError(
                String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            failures.report(typeName, classLoader, loaded, throwable);
        }
    }
}
