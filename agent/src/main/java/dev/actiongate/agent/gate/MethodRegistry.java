package dev.actiongate.agent.gate;

import dev.actiongate.agent.config.AgentConfig.ArgumentLimits;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every governed method, by the id the advice carries as a constant. Registration happens at
 * class transformation time and is rare; lookup happens on every call and takes no lock.
 */
public final class MethodRegistry {

    private final Map<String, Integer> idsByKey = new HashMap<>();
    private volatile GovernedMethod[] methods = new GovernedMethod[0];
    private Consumer<GovernedMethod> listener = method -> {};
    private final ArgumentLimits argumentLimits;

    /** A registry whose methods convert their arguments within the default limits. */
    public MethodRegistry() {
        this(ArgumentLimits.DEFAULT);
    }

    /** @param argumentLimits how much of a call's arguments each method converts for its policy */
    public MethodRegistry(ArgumentLimits argumentLimits) {
        this.argumentLimits = argumentLimits;
    }

    /**
     * Tells {@code listener} of every method registered so far and of every one registered
     * later; used to log what is governed once logging is up.
     */
    public synchronized void onRegistration(Consumer<GovernedMethod> newListener) {
        for (GovernedMethod method : methods) {
            newListener.accept(method);
        }
        listener = newListener;
    }

    /**
     * Registers a method, or returns the id it already has (a class can be transformed again).
     *
     * @param source {@code annotation} or {@code config}
     * @param entry  the policy's {@code govern:} entry that named it, or {@code null}
     * @param parameterNamesCompiled whether the class file names the parameters (compiled with {@code -parameters});
     *               otherwise {@code parameterNames} are {@code arg0, arg1, ...}
     * @param generated whether the method is a generated class's (a proxy's), registered under the
     *               method it overrides: only such a call can be joined by the call it forwards
     */
    public synchronized int register(
            String action,
            String source,
            String entry,
            String className,
            String methodName,
            List<String> parameterTypes,
            List<String> parameterNames,
            boolean parameterNamesCompiled,
            boolean generated,
            ClassLoader loader) {
        String key = System.identityHashCode(loader) + "/" + className + "#" + methodName + parameterTypes + "="
                + action + (generated ? "/generated" : "");
        Integer existing = idsByKey.get(key);
        if (existing != null) {
            return existing;
        }
        int id = methods.length;
        GovernedMethod[] grown = Arrays.copyOf(methods, id + 1);
        grown[id] = new GovernedMethod(
                id,
                action,
                source,
                entry,
                className,
                methodName,
                parameterTypes,
                parameterNames,
                parameterNamesCompiled,
                generated,
                loader,
                argumentLimits);
        methods = grown;
        idsByKey.put(key, id);
        listener.accept(grown[id]);
        return id;
    }

    /** Every governed method, in registration order. */
    public List<GovernedMethod> all() {
        return List.of(methods);
    }

    /** The method with {@code id}, or {@code null} for an id this registry never gave out. */
    public GovernedMethod get(int id) {
        GovernedMethod[] current = methods;
        return id >= 0 && id < current.length ? current[id] : null;
    }
}
