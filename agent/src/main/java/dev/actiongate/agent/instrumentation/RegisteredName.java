package dev.actiongate.agent.instrumentation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;

/**
 * How a governed method is named to the policy and in records: its class, parameter types and
 * parameter names.
 *
 * <p>A method of a {@link GeneratedClasses generated class} (a Spring CGLIB proxy, a JDK proxy, a
 * Hibernate or Mockito subclass) is named after the method it overrides or implements: that is
 * the application's method, the one policies are written against. A method without parameter
 * names, as every generated one is, takes them from the nearest method it overrides that has
 * them, so that {@code args.<name>} conditions read the names the application's code declares.
 *
 * @param className      the class written into records and the CEL variable {@code method.class}
 * @param parameterTypes erased parameter types, as in the records' {@code method} signature
 * @param parameterNames the keys of the CEL variable {@code args}
 */
record RegisteredName(String className, List<String> parameterTypes, List<String> parameterNames, boolean generated) {

    static RegisteredName of(TypeDescription type, MethodDescription method) {
        List<MethodDescription> overridden = overridden(type, method);
        boolean generated = !overridden.isEmpty() && GeneratedClasses.isGenerated(type);
        MethodDescription named = generated ? overridden.get(0) : method;
        List<String> types = (generated ? overridden.get(0).asDefined() : method)
                .getParameters().asTypeList().asErasures().stream()
                        .map(TypeDescription::getName)
                        .toList();
        List<String> names = namesOf(named);
        if (names == null) {
            for (MethodDescription candidate : overridden) {
                names = namesOf(candidate);
                if (names != null) {
                    break;
                }
            }
        }
        if (names == null) {
            names = method.getParameters().stream()
                    .map(parameter -> "arg" + parameter.getIndex())
                    .toList();
        }
        String className =
                generated ? overridden.get(0).getDeclaringType().asErasure().getName() : type.getName();
        return new RegisteredName(className, types, names, generated);
    }

    /** The parameter names the class file gives, or {@code null} when it gives none. */
    private static List<String> namesOf(MethodDescription method) {
        List<String> names = new ArrayList<>();
        for (ParameterDescription parameter : method.getParameters()) {
            if (!parameter.isNamed()) {
                return null;
            }
            names.add(parameter.getName());
        }
        return names;
    }

    /**
     * The methods {@code method} overrides or implements, nearest first: up the superclasses, then
     * through the interfaces, matched by name and generics-resolved erased parameter types.
     */
    private static List<MethodDescription> overridden(TypeDescription type, MethodDescription method) {
        List<MethodDescription> found = new ArrayList<>();
        if (method.isStatic() || method.isPrivate() || method.isConstructor()) {
            return found;
        }
        String key = GovernedMethodLocator.parameterKey(method);
        collect(type, key, found, new HashSet<>());
        return found;
    }

    private static void collect(TypeDefinition type, String key, List<MethodDescription> found, Set<String> visited) {
        List<TypeDescription.Generic> supertypes = new ArrayList<>(type.getInterfaces());
        TypeDescription.Generic superClass = type.getSuperClass();
        if (superClass != null) {
            supertypes.add(0, superClass);
        }
        for (TypeDescription.Generic supertype : supertypes) {
            String name = supertype.asErasure().getName();
            if (name.equals("java.lang.Object") || name.equals("java.lang.reflect.Proxy") || !visited.add(name)) {
                continue;
            }
            for (MethodDescription candidate : supertype.getDeclaredMethods()) {
                if (!candidate.isStatic()
                        && !candidate.isPrivate()
                        && !candidate.isBridge()
                        && !candidate.isConstructor()
                        && GovernedMethodLocator.parameterKey(candidate).equals(key)) {
                    found.add(candidate);
                }
            }
            collect(supertype, key, found, visited);
        }
    }
}
