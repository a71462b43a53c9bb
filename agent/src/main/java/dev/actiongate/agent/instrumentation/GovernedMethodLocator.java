package dev.actiongate.agent.instrumentation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationList;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;

/**
 * Finds the methods of a type that are governed: annotated with {@code @GovernedAction}
 * themselves, or implementing or overriding a method so annotated anywhere up the hierarchy
 * (generic parameters resolved, so {@code send(Email)} overrides {@code send(T)}).
 */
final class GovernedMethodLocator {

    static final String ANNOTATION = "dev.actiongate.GovernedAction";

    private GovernedMethodLocator() {
    }

    /** Governed methods declared by {@code type}, keyed by {@link #key}, with their action names. */
    static Map<String, String> governedMethods(TypeDescription type) {
        Map<String, String> inherited = null;
        Map<String, String> governed = new LinkedHashMap<>();
        for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
            if (method.isConstructor() || method.isTypeInitializer() || method.isAbstract() || method.isBridge()
                    || method.isNative()) {
                continue;
            }
            String action = actionOf(method.getDeclaredAnnotations());
            if (action == null && !method.isStatic() && !method.isPrivate()) {
                if (inherited == null) {
                    inherited = annotatedSupertypeMethods(type);
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

    /** Annotated methods of every supertype by name and erased, generics-resolved parameter types. */
    private static Map<String, String> annotatedSupertypeMethods(TypeDefinition type) {
        Map<String, String> found = new LinkedHashMap<>();
        collect(type, found, new HashSet<>());
        return found;
    }

    private static void collect(TypeDefinition type, Map<String, String> found, Set<String> visited) {
        List<TypeDescription.Generic> supertypes = new ArrayList<>(type.getInterfaces());
        TypeDescription.Generic superClass = type.getSuperClass();
        if (superClass != null) {
            supertypes.add(0, superClass);
        }
        for (TypeDescription.Generic supertype : supertypes) {
            String name = supertype.asErasure().getName();
            // JDK types never carry the annotation; skipping them keeps class loading cheap.
            if (name.startsWith("java.") || !visited.add(name)) {
                continue;
            }
            for (MethodDescription method : supertype.getDeclaredMethods()) {
                String action = actionOf(method.getDeclaredAnnotations());
                if (action != null) {
                    found.putIfAbsent(parameterKey(method), action);
                }
            }
            collect(supertype, found, visited);
        }
    }

    private static String parameterKey(MethodDescription method) {
        StringBuilder key = new StringBuilder(method.getName()).append('(');
        for (TypeDescription parameter : method.getParameters().asTypeList().asErasures()) {
            key.append(parameter.getName()).append(',');
        }
        return key.append(')').toString();
    }

    private static String actionOf(AnnotationList annotations) {
        for (AnnotationDescription annotation : annotations) {
            if (annotation.getAnnotationType().getName().equals(ANNOTATION)) {
                return annotation.getValue("value").resolve(String.class);
            }
        }
        return null;
    }
}
