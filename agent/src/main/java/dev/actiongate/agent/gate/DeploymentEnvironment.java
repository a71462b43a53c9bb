package dev.actiongate.agent.gate;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The environment the operator configured explicitly (agent argument, system property or
 * environment variable), which is a fact of the deployment: a caller's scope cannot contradict
 * it. Decisions use it; a different environment the scope claimed is kept beside it in the
 * record, and warned about once per distinct claim. Without an explicit setting nothing is
 * pinned and the scope's environment stands.
 */
final class DeploymentEnvironment {

    /** Nothing configured explicitly: the scope's environment, or the built-in default, is used. */
    static final DeploymentEnvironment UNPINNED = new DeploymentEnvironment(null, warning -> {});

    /** Beyond this many distinct claims the log says so once and stays quiet; records keep every claim. */
    static final int MAX_WARNED_CLAIMS = 64;

    private final String configured;
    private final Consumer<String> warn;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param configured the operator's environment, or {@code null} when not set explicitly
     * @param warn       where the once-per-claim warning goes
     */
    DeploymentEnvironment(String configured, Consumer<String> warn) {
        this.configured = configured;
        this.warn = warn;
    }

    /** {@code context} deciding in the configured environment; the same object when nothing differs. */
    CallContext apply(CallContext context, String action) {
        String claimed = context.environment();
        if (configured == null || configured.equals(claimed)) {
            return context;
        }
        if (claimed != null) {
            warnOnce(claimed, action);
        }
        return context.inEnvironment(configured, claimed);
    }

    private void warnOnce(String claimed, String action) {
        if (warned.size() > MAX_WARNED_CLAIMS || warned.contains(claimed)) {
            return;
        }
        if (warned.size() == MAX_WARNED_CLAIMS) {
            if (warned.add("\0overflow")) {
                warn.accept("more than " + MAX_WARNED_CLAIMS + " distinct environments claimed by ActionContext scopes;"
                        + " further claims are not logged (each decision record keeps its caller_environment)");
            }
            return;
        }
        if (warned.add(claimed)) {
            warn.accept("an ActionContext scope claims environment '" + claimed + "' (first seen on action '" + action
                    + "') but the operator configured environment '" + configured + "': decisions use '" + configured
                    + "'; the claim is recorded as caller_environment");
        }
    }
}
