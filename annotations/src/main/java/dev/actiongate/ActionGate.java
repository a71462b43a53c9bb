package dev.actiongate;

import java.util.List;

/**
 * Whether the ActionGate agent governs this JVM. Without it, a method annotated
 * {@link GovernedAction} runs like any other method: no decision, no record. An application
 * that must never run so checks once at start-up:
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     ActionGate.requireAgent();   // IllegalStateException when started without -javaagent
 *     ...
 * }
 * }</pre>
 *
 * <p>Opening an {@link ActionContext} scope in a JVM without the agent logs one warning, on the
 * {@link System.Logger} named {@code actiongate}.
 */
public final class ActionGate {

    /** The system property the agent sets while it runs in this JVM; set by nobody else. */
    static final String RUNNING_PROPERTY = "dev.actiongate.running";

    private static final String NOT_RUNNING = "the ActionGate agent is not running in this JVM, so methods annotated"
            + " @GovernedAction run without any decision or record: start the JVM with"
            + " -javaagent:/path/to/actiongate-agent.jar=policy=/path/to/policy.yaml (an agent disabled with"
            + " enabled=false, or one that could not start, does not govern either)";

    /**
     * Set by the agent once it governs this JVM and cleared when it detaches: a field, so that a
     * check on a hot path costs one read. An agent attached to a JVM whose application loaded its
     * own copy of this class before the agent came only sets {@link #RUNNING_PROPERTY}.
     */
    private static volatile boolean agent;

    private static volatile boolean scopeChecked;

    private ActionGate() {}

    /** Whether the ActionGate agent runs in this JVM and governs the methods annotated {@link GovernedAction}. */
    public static boolean agentRunning() {
        return agent || System.getProperty(RUNNING_PROPERTY) != null;
    }

    /**
     * A start-up check: returns when the agent runs in this JVM, else throws.
     *
     * @throws IllegalStateException naming the missing {@code -javaagent}, when the agent does not run
     */
    public static void requireAgent() {
        if (!agentRunning()) {
            throw new IllegalStateException(NOT_RUNNING);
        }
    }

    /**
     * The first statement the ActionGate build guard ({@code actiongate-build-guard}) compiles into
     * every governed method: returns when the agent runs, which then decides the call, else denies
     * it. Not for application code, which calls {@link #requireAgent()}.
     *
     * @param action the governed method's action name
     * @throws ActionDeniedException with verdict {@code deny} and no decision id (nothing can
     *                               record it), when the agent does not run
     */
    public static void denyWithoutAgent(String action) {
        if (!agent && System.getProperty(RUNNING_PROPERTY) == null) {
            throw new ActionDeniedException(
                    null, action, "deny", "denied by the ActionGate build guard: " + NOT_RUNNING, List.of());
        }
    }

    /** Called whenever a scope is opened: warns once per JVM when nothing will read the scope. */
    static void scopeOpened() {
        if (!scopeChecked) {
            checkFirstScope();
        }
    }

    private static synchronized void checkFirstScope() {
        if (scopeChecked) {
            return;
        }
        scopeChecked = true;
        if (!agentRunning()) {
            System.getLogger("actiongate")
                    .log(
                            System.Logger.Level.WARNING,
                            "An ActionContext scope was opened but " + NOT_RUNNING
                                    + ". Call ActionGate.requireAgent() at start-up to refuse to run without it.");
        }
    }
}
