package dev.actiongate.agent.instrumentation;

import dev.actiongate.agent.policy.GovernEntry;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Finds the methods of a type that are governed: annotated with {@code @GovernedAction}, named by
 * a {@code govern:} entry of the policy (a method, or an annotation such as an AI framework's
 * {@code @Tool}), or implementing or overriding a method so governed anywhere up the hierarchy
 * (generic parameters resolved, so {@code send(Email)} overrides {@code send(T)}).
 */
final class GovernedMethodLocator {

    static final String ANNOTATION = "dev.actiongate.GovernedAction";

    /** What governs a method: its action name and where that came from. */
    record Target(String action, String source, String entry) {
        static Target annotated(String action) {
            return new Target(action, "annotation", null);
        }
    }

    private final Map<String, List<GovernEntry>> methodEntries = new HashMap<>();
    private final Map<String, GovernEntry> annotationEntries = new HashMap<>();

    GovernedMethodLocator(List<GovernEntry> entries) {
        for (GovernEntry entry : entries) {
            if (entry.isMethodEntry()) {
                methodEntries.computeIfAbsent(entry.className(), name -> new ArrayList<>()).add(entry);
            } else {
                annotationEntries.putIfAbsent(entry.annotation(), entry);
            }
        }
    }

    /** Whether a type with this name may be governed at all, JDK types included when an entry names them. */
    boolean namesJdkType(String typeName) {
        return methodEntries.containsKey(typeName);
    }

    /** Governed methods declared by {@code type}, keyed by {@link #key}. */
    Map<String, Target> governedMethods(TypeDescription type) {
        Map<String, Target> inherited = null;
        Map<String, Target> governed = new LinkedHashMap<>();
        List<GovernEntry> own = methodEntries.get(type.getName());
        for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
            if (method.isConstructor() || method.isTypeInitializer() || method.isAbstract() || method.isBridge()
                    || method.isNative()) {
                continue;
            }
            Target target = declared(method.getDeclaredAnnotations(), method);
            if (target == null && own != null) {
                target = byEntry(own, method);
            }
            if (target == null && !method.isStatic() && !method.isPrivate()) {
                if (inherited == null) {
                    inherited = governedSupertypeMethods(type);
                }
                target = inherited.get(parameterKey(method));
            }
            if (target != null) {
                governed.put(key(method), target);
            }
        }
        return governed;
    }

    /** Identifies a declared method within its type: internal name and descriptor. */
    static String key(MethodDescription method) {
        return method.getInternalName() + method.getDescriptor();
    }

    /** Governed methods of every supertype by name and erased, generics-resolved parameter types. */
    private Map<String, Target> governedSupertypeMethods(TypeDefinition type) {
        Map<String, Target> found = new LinkedHashMap<>();
        collect(type, found, new HashSet<>());
        return found;
    }

    private void collect(TypeDefinition type, Map<String, Target> found, Set<String> visited) {
        List<TypeDescription.Generic> supertypes = new ArrayList<>(type.getInterfaces());
        TypeDescription.Generic superClass = type.getSuperClass();
        if (superClass != null) {
            supertypes.add(0, superClass);
        }
        for (TypeDescription.Generic supertype : supertypes) {
            String name = supertype.asErasure().getName();
            List<GovernEntry> entries = methodEntries.get(name);
            // JDK types carry no annotation of ours; skipping them keeps class loading cheap.
            if ((name.startsWith("java.") && entries == null) || !visited.add(name)) {
                continue;
            }
            for (MethodDescription method : supertype.getDeclaredMethods()) {
                Target target = declared(method.getDeclaredAnnotations(), method);
                if (target == null && entries != null && !method.isStatic() && !method.isPrivate()) {
                    target = byEntry(entries, method);
                }
                if (target != null) {
                    found.putIfAbsent(parameterKey(method), target);
                }
            }
            collect(supertype, found, visited);
        }
    }

    private Target declared(AnnotationList annotations, MethodDescription method) {
        for (AnnotationDescription annotation : annotations) {
            String type = annotation.getAnnotationType().getName();
            if (type.equals(ANNOTATION)) {
                return Target.annotated(annotation.getValue("value").resolve(String.class));
            }
            GovernEntry entry = annotationEntries.get(type);
            if (entry != null) {
                return new Target(actionOf(entry, annotation, method), "config", entry.text());
            }
        }
        return null;
    }

    private static Target byEntry(List<GovernEntry> entries, MethodDescription method) {
        for (GovernEntry entry : entries) {
            if (!entry.methodName().equals(method.getName())) {
                continue;
            }
            if (entry.parameterTypes() != null) {
                List<String> types = method.getParameters().asTypeList().asErasures().stream()
                        .map(TypeDescription::getName).toList();
                if (!types.equals(entry.parameterTypes())) {
                    continue;
                }
            }
            return new Target(actionOf(entry, null, method), "config", entry.text());
        }
        return null;
    }

    /** The fixed action, else the annotation's {@code name()} when asked for and set, else the method's name. */
    private static String actionOf(GovernEntry entry, AnnotationDescription annotation, MethodDescription method) {
        if (entry.action() != null) {
            return entry.action();
        }
        if (annotation != null && entry.actionFrom() == GovernEntry.ActionFrom.NAME_OR_METHOD
                && !annotation.getAnnotationType().getDeclaredMethods()
                        .filter(net.bytebuddy.matcher.ElementMatchers.named("name")).isEmpty()) {
            Object name = annotation.getValue("name").resolve();
            if (name instanceof String text && !text.isBlank()) {
                return text;
            }
        }
        return method.getName();
    }

    static String parameterKey(MethodDescription method) {
        StringBuilder key = new StringBuilder(method.getName()).append('(');
        for (TypeDescription parameter : method.getParameters().asTypeList().asErasures()) {
            key.append(parameter.getName()).append(',');
        }
        return key.append(')').toString();
    }
}
