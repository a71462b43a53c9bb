package dev.actiongate.buildguard;

import java.util.Map;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.build.Plugin;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.constant.TextConstant;

/**
 * The Byte Buddy build plugin: makes {@code ActionGate.denyWithoutAgent(action)} the first
 * statement of every governed method of a class, once, and marks the class {@link Guarded}.
 */
public final class RequireAgentPlugin implements Plugin {

    @Override
    public boolean matches(TypeDescription type) {
        for (AnnotationDescription annotation : type.getDeclaredAnnotations()) {
            if (annotation.getAnnotationType().getName().equals(Guarded.class.getName())) {
                return false;
            }
        }
        return !GovernedMethods.of(type).isEmpty();
    }

    @Override
    public DynamicType.Builder<?> apply(
            DynamicType.Builder<?> builder, TypeDescription type, ClassFileLocator classFileLocator) {
        Map<String, String> actions = GovernedMethods.of(type);
        return builder.annotateType(
                        AnnotationDescription.Builder.ofType(Guarded.class).build())
                .visit(Advice.withCustomMapping()
                        .bind(ActionName.class, new ActionNameMapping(actions))
                        .to(GuardAdvice.class)
                        .on(method -> actions.containsKey(GovernedMethods.key(method))));
    }

    @Override
    public void close() {
        // holds nothing
    }

    /** The action name of the method being guarded, as a constant in its code. */
    private record ActionNameMapping(Map<String, String> actions) implements Advice.OffsetMapping {
        @Override
        public Target resolve(
                TypeDescription instrumentedType,
                MethodDescription instrumentedMethod,
                Assigner assigner,
                Advice.ArgumentHandler argumentHandler,
                Sort sort) {
            return new Target.ForStackManipulation(
                    new TextConstant(actions.get(GovernedMethods.key(instrumentedMethod))));
        }
    }
}
