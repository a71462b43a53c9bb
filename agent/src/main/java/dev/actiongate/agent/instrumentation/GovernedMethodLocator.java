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
                methodEntries
                        .computeIfAbsent(entry.className(), name -> new ArrayList<>())
                        .add(entry);
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
            if (method.isConstructor() || method.isTypeInitializer() || method.isAbstract() || method.isNative()) {
                continue;
            }
            if (method.isBridge()) {
                if (bridgesToSuperclass(type, method)) {
                    // javac's bridge for a method inherited from a generic superclass that does not
                    // implement the interface: the only method of this class the call runs through.
                    if (inherited == null) {
                        inherited = governedSupertypeMethods(type);
                    }
                    Target target = inherited.get(parameterKey(method));
                    if (target != null) {
                        governed.put(key(method), target);
                    }
                }
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

    /**
     * Whether bridge {@code bridge} calls a method of a superclass: a bridge whose target is in
     * the same class has a sibling of the same name and arity there, which is governed itself.
     */
    private static boolean bridgesToSuperclass(TypeDescription type, MethodDescription bridge) {
        for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
            if (!method.isBridge()
                    && method.getName().equals(bridge.getName())
                    && method.getParameters().size() == bridge.getParameters().size()) {
                return false;
            }
        }
        return !bridge.isStatic() && !bridge.isPrivate();
    }

    /**
     * Governed methods of an interface that {@code type} implements with a method it inherits
     * from a superclass which is not itself governed for that method (the superclass does not
     * implement the interface): without an override in {@code type}, calls through the interface
     * would run the superclass's body undecided. Keyed by {@link #key} of the inherited method,
     * which the override shares.
     */
    Map<String, Inherited> inheritedImplementations(TypeDescription type) {
        if (type.isInterface() || type.isAbstract() || type.getSuperClass() == null) {
            return Map.of();
        }
        Map<String, Target> governed = governedSupertypeMethods(type);
        if (governed.isEmpty()) {
            return Map.of();
        }
        Set<String> declared = new HashSet<>();
        for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
            declared.add(parameterKey(method));
        }
        Map<String, Inherited> found = new LinkedHashMap<>();
        governed.forEach((parameterKey, target) -> {
            if (!declared.contains(parameterKey)) {
                MethodDescription implementation = superclassImplementation(type, parameterKey);
                if (implementation != null
                        && !governedMethods(implementation.getDeclaringType().asErasure())
                                .containsKey(key(implementation))) {
                    found.put(key(implementation), new Inherited(implementation, target));
                }
            }
        });
        return found;
    }

    /**
     * Whether the method {@code name} with {@code descriptor} of interface {@code type} (declared
     * there or in a superinterface) is governed: then a lambda or method reference implementing
     * it must be governed too.
     */
    boolean governsInterfaceMethod(TypeDescription type, String name, String descriptor) {
        Map<String, Target> governed = interfaceMethods(type);
        return !governed.isEmpty() && matching(type, name, descriptor, governed, new HashSet<>());
    }

    /** Whether interface {@code type} has any governed method, declared or inherited. */
    boolean governsAnyInterfaceMethod(TypeDescription type) {
        return !interfaceMethods(type).isEmpty();
    }

    private Map<String, Target> interfaceMethods(TypeDescription type) {
        Map<String, Target> governed = new LinkedHashMap<>();
        List<GovernEntry> own = methodEntries.get(type.getName());
        for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
            Target target = declared(method.getDeclaredAnnotations(), method);
            if (target == null && own != null) {
                target = byEntry(own, method);
            }
            if (target != null) {
                governed.put(parameterKey(method), target);
            }
        }
        collect(type, governed, new HashSet<>());
        return governed;
    }

    private static boolean matching(
            TypeDefinition type, String name, String descriptor, Map<String, Target> governed, Set<String> visited) {
        if (!visited.add(type.asErasure().getName())) {
            return false;
        }
        for (MethodDescription method : type.getDeclaredMethods()) {
            if (method.getName().equals(name)
                    && method.asDefined().getDescriptor().equals(descriptor)
                    && governed.containsKey(parameterKey(method))) {
                return true;
            }
        }
        for (TypeDescription.Generic superInterface : type.getInterfaces()) {
            if (matching(superInterface, name, descriptor, governed, visited)) {
                return true;
            }
        }
        return false;
    }

    /** An implementation {@code type} inherits, and what governs the interface method it implements. */
    record Inherited(MethodDescription implementation, Target target) {

        /** A final method cannot be overridden: the JVM would refuse to load the class. */
        boolean overridable() {
            return !implementation.isFinal();
        }
    }

    /** The first non-abstract instance method up the superclass chain with this name and parameters. */
    private static MethodDescription superclassImplementation(TypeDescription type, String parameterKey) {
        for (TypeDescription.Generic superClass = type.getSuperClass();
                superClass != null;
                superClass = superClass.asErasure().getSuperClass()) {
            for (MethodDescription method : superClass.asErasure().getDeclaredMethods()) {
                if (!method.isStatic()
                        && !method.isPrivate()
                        && !method.isConstructor()
                        && parameterKey(method).equals(parameterKey)) {
                    return method.isAbstract() ? null : method;
                }
            }
        }
        return null;
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
                        .map(TypeDescription::getName)
                        .toList();
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
        if (annotation != null
                && entry.actionFrom() == GovernEntry.ActionFrom.NAME_OR_METHOD
                && !annotation
                        .getAnnotationType()
                        .getDeclaredMethods()
                        .filter(net.bytebuddy.matcher.ElementMatchers.named("name"))
                        .isEmpty()) {
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
