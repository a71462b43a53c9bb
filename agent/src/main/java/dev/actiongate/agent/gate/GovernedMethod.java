package dev.actiongate.agent.gate;

import dev.actiongate.agent.config.AgentConfig.ArgumentLimits;
import dev.actiongate.agent.policy.PolicyValues;
import dev.actiongate.agent.records.CanonicalJson;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;

/**
 * A method the agent instrumented, described once at transformation time so that a call only
 * indexes an array to know its action name, signature and parameter names.
 */
public final class GovernedMethod {

    private final int id;
    private final String action;
    private final String source;
    private final String entry;
    private final String signature;
    private final Object signatureValue;
    private final Object actionValue;
    private final String[] parameterNames;
    private final boolean parameterNamesCompiled;
    private final boolean generated;
    private final Map<String, Object> methodVariable;
    private final ArgumentLimits argumentLimits;
    private final WeakReference<ClassLoader> loader;
    /*
     * Weak, like the loader: the registry keeps every governed method for good (its id is compiled
     * into the class), and these reach into the application's loader. ApplicationSlf4j's class
     * value and the shared API keep them alive while the loader is; an application's own copy of
     * the API is looked up again if a collection took it.
     */
    private volatile WeakReference<ApplicationSlf4j> slf4j = new WeakReference<>(null);
    private volatile WeakReference<ApplicationApi> api = new WeakReference<>(null);

    GovernedMethod(
            int id,
            String action,
            String source,
            String entry,
            String className,
            String methodName,
            List<String> parameterTypes,
            List<String> parameterNames,
            boolean parameterNamesCompiled,
            boolean generated,
            ClassLoader loader,
            ArgumentLimits argumentLimits) {
        this.id = id;
        this.action = action;
        this.source = source;
        this.entry = entry;
        this.signature = className + "#" + methodName + "(" + String.join(",", parameterTypes) + ")";
        this.signatureValue = CanonicalJson.constant(signature);
        this.actionValue = CanonicalJson.constant(action);
        this.parameterNames = parameterNames.toArray(String[]::new);
        this.parameterNamesCompiled = parameterNamesCompiled;
        this.generated = generated;
        this.methodVariable = Map.of("class", className, "name", methodName);
        this.loader = new WeakReference<>(loader);
        this.argumentLimits = argumentLimits;
    }

    public int id() {
        return id;
    }

    /** The action name the policy sees. */
    public String action() {
        return action;
    }

    /** {@link #signature()} and {@link #action()} as record values, encoded once. */
    Object signatureValue() {
        return signatureValue;
    }

    Object actionValue() {
        return actionValue;
    }

    /** {@code annotation} when the code says so, {@code config} when a policy's {@code govern:} entry does. */
    public String source() {
        return source;
    }

    /** The {@code govern:} entry that named this method, or {@code null}. */
    public String entry() {
        return entry;
    }

    /** {@code Class#name(paramTypes)}, as written into records. */
    public String signature() {
        return signature;
    }

    /**
     * Whether its class file names its parameters (compiled with {@code -parameters}); when not,
     * policies see them as {@code args.arg0, args.arg1, ...} only.
     */
    /** Whether this is a generated class's method (a proxy's), standing in for the method it overrides. */
    public boolean generated() {
        return generated;
    }

    public boolean parameterNamesCompiled() {
        return parameterNamesCompiled;
    }

    /** The CEL variable {@code method}: its {@code class} and {@code name}. */
    Map<String, Object> methodVariable() {
        return methodVariable;
    }

    /**
     * The CEL variable {@code args}: parameter name to converted value, converted within the
     * operator's limits ({@code args_max_nodes}, {@code args_max_chars}).
     */
    Map<String, Object> arguments(Object[] values) {
        return PolicyValues.arguments(action, parameterNames, values, argumentLimits);
    }

    /** The ActionGate API as the class declaring this method sees it, found on first use. */
    ApplicationApi api() {
        ApplicationApi found = api.get();
        if (found == null) {
            ClassLoader declaring = loader.get();
            found = declaring == null ? ApplicationApi.SHARED : ApplicationApi.of(declaring);
            api = new WeakReference<>(found);
        }
        return found;
    }

    /** The application's SLF4J as seen from the class declaring this method, found on first use. */
    ApplicationSlf4j slf4j() {
        ApplicationSlf4j found = slf4j.get();
        if (found == null) {
            found = ApplicationSlf4j.of(loader.get());
            slf4j = new WeakReference<>(found);
        }
        return found;
    }
}
