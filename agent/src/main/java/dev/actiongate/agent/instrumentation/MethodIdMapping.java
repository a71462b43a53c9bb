package dev.actiongate.agent.instrumentation;

import dev.actiongate.agent.gate.MethodRegistry;
import java.util.Map;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;

/**
 * Registers the instrumented method with the gate and inlines its id into the advice, so a call
 * finds its description by array index instead of by reflection.
 */
final class MethodIdMapping implements Advice.OffsetMapping {

    private final MethodRegistry registry;
    private final Map<String, GovernedMethodLocator.Target> targets;
    private final ClassLoader loader;

    MethodIdMapping(MethodRegistry registry, Map<String, GovernedMethodLocator.Target> targets, ClassLoader loader) {
        this.registry = registry;
        this.targets = targets;
        this.loader = loader;
    }

    @Override
    public Target resolve(
            TypeDescription instrumentedType,
            MethodDescription instrumentedMethod,
            Assigner assigner,
            Advice.ArgumentHandler argumentHandler,
            Sort sort) {
        GovernedMethodLocator.Target target = targets.get(GovernedMethodLocator.key(instrumentedMethod));
        RegisteredName name = RegisteredName.of(instrumentedType, instrumentedMethod);
        // Without -parameters a class file has no names: policies then see arg0, arg1, ... and the agent says so.
        // A generated class borrows the names of the method it overrides, so only that one's class file matters.
        boolean namesCompiled = name.parameterNames().stream().noneMatch(MethodIdMapping::isPlaceholder)
                || instrumentedMethod.getParameters().isEmpty();
        int id = registry.register(
                target.action(),
                target.source(),
                target.entry(),
                name.className(),
                instrumentedMethod.getName(),
                name.parameterTypes(),
                name.parameterNames(),
                namesCompiled,
                name.generated(),
                loader);
        return new Target.ForStackManipulation(IntegerConstant.forValue(id));
    }

    private static boolean isPlaceholder(String name) {
        return name.matches("arg\\d+");
    }
}
