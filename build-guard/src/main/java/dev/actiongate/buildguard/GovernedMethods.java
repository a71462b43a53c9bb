package dev.actiongate.buildguard;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;

/**
 * The methods of a type the agent governs by annotation, as the agent finds them: annotated with
 * {@code @GovernedAction}, or implementing or overriding a method so annotated anywhere up the
 * hierarchy (generic parameters resolved). Methods governed only by a policy's {@code govern:}
 * entries are not known at build time.
 */
final class GovernedMethods {

    static final String ANNOTATION = "dev.actiongate.GovernedAction";

    private GovernedMethods() {}

    /** Action names of the governed methods {@code type} declares with a body, keyed by {@link #key}. */
    static Map<String, String> of(TypeDescription type) {
        Map<String, String> inherited = null;
        Map<String, String> governed = new LinkedHashMap<>();
        for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
            if (method.isConstructor()
                    || method.isTypeInitializer()
                    || method.isAbstract()
                    || method.isBridge()
                    || method.isNative()) {
                continue;
            }
            String action = annotatedAction(method);
            if (action == null && !method.isStatic() && !method.isPrivate()) {
                if (inherited == null) {
                    inherited = new LinkedHashMap<>();
                    collect(type, inherited, new HashSet<>());
                }
                action = inherited.get(parameterKey(method));
            }
            if (action != null) {
                governed.put(key(method), action);
            }
        }
        return governed;
    }

    /** Identifies a declared method within its type: internal name and descriptor. */
    static String key(MethodDescription method) {
        return method.getInternalName() + method.getDescriptor();
    }

    private static void collect(TypeDefinition type, Map<String, String> found, Set<String> visited) {
        List<TypeDescription.Generic> supertypes = new ArrayList<>(type.getInterfaces());
        TypeDescription.Generic superClass = type.getSuperClass();
        if (superClass != null) {
            supertypes.add(0, superClass);
        }
        for (TypeDescription.Generic supertype : supertypes) {
            String name = supertype.asErasure().getName();
            // JDK types carry no annotation of ours.
            if (name.startsWith("java.") || !visited.add(name)) {
                continue;
            }
            for (MethodDescription method : supertype.getDeclaredMethods()) {
                String action = annotatedAction(method);
                if (action != null) {
                    found.putIfAbsent(parameterKey(method), action);
                }
            }
            collect(supertype, found, visited);
        }
    }

    private static String annotatedAction(MethodDescription method) {
        for (AnnotationDescription annotation : method.getDeclaredAnnotations()) {
            if (annotation.getAnnotationType().getName().equals(ANNOTATION)) {
                return annotation.getValue("value").resolve(String.class);
            }
        }
        return null;
    }

    private static String parameterKey(MethodDescription method) {
        StringBuilder key = new StringBuilder(method.getName()).append('(');
        for (TypeDescription parameter : method.getParameters().asTypeList().asErasures()) {
            key.append(parameter.getName()).append(',');
        }
        return key.append(')').toString();
    }
}
