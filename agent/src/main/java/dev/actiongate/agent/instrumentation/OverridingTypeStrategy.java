package dev.actiongate.agent.instrumentation;

import java.security.ProtectionDomain;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.inline.MethodNameTransformer;
import net.bytebuddy.utility.JavaModule;

/**
 * Decorates classes (advice only, the class file's shape unchanged), except a class that must
 * get an override of an inherited method to be governed: that one is redefined, which can add
 * a method. Adding a method is possible only while a class is first loaded; for a class already
 * loaded the JVM refuses, and the failure is reported as any instrumentation failure is.
 */
final class OverridingTypeStrategy implements AgentBuilder.TypeStrategy {

    private final GovernedMethodLocator locator;

    OverridingTypeStrategy(GovernedMethodLocator locator) {
        this.locator = locator;
    }

    @Override
    public DynamicType.Builder<?> builder(
            TypeDescription type,
            ByteBuddy byteBuddy,
            ClassFileLocator classFileLocator,
            MethodNameTransformer methodNameTransformer,
            ClassLoader classLoader,
            JavaModule module,
            ProtectionDomain protectionDomain) {
        AgentBuilder.TypeStrategy strategy = locator.inheritedImplementations(type).values().stream()
                        .noneMatch(GovernedMethodLocator.Inherited::overridable)
                ? AgentBuilder.TypeStrategy.Default.DECORATE
                : AgentBuilder.TypeStrategy.Default.REDEFINE;
        return strategy.builder(
                type, byteBuddy, classFileLocator, methodNameTransformer, classLoader, module, protectionDomain);
    }
}
