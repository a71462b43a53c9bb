package dev.actiongate.agent;

import dev.actiongate.agent.admin.AdminServer;
import dev.actiongate.agent.gate.Gate;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.instrumentation.GovernedActionInstrumentation;
import java.io.Closeable;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import org.slf4j.LoggerFactory;

/**
 * The agent running in this JVM, as ops can see and end it: system properties tell an attaching
 * CLI that it is here and what it governs, and {@link #run()} detaches it, restoring every
 * governed method's original code.
 */
public final class RunningAgent implements Runnable {

    /** Set while an agent runs in this JVM: version, how it started, since when. */
    public static final String RUNNING_PROPERTY = "dev.actiongate.running";
    /** {@code true} when the agent can be detached (it installed with retransformation). */
    public static final String DETACHABLE_PROPERTY = "dev.actiongate.detachable";
    /** What the agent governs, one {@code action <- Class#method(...)} per line. */
    public static final String GOVERNS_PROPERTY = "dev.actiongate.governs";

    private final Instrumentation instrumentation;
    private final ResettableClassFileTransformer transformer;
    private final boolean reversible;
    private final CompletableFuture<GateState> startup;
    private final Object dispatcher;
    private final AtomicBoolean detached = new AtomicBoolean();
    private volatile AdminServer admin;
    private volatile Closeable watcher;

    RunningAgent(
            Instrumentation instrumentation,
            ResettableClassFileTransformer transformer,
            boolean reversible,
            CompletableFuture<GateState> startup,
            Object dispatcher) {
        this.instrumentation = instrumentation;
        this.transformer = transformer;
        this.reversible = reversible;
        this.startup = startup;
        this.dispatcher = dispatcher;
    }

    void admin(AdminServer server) {
        this.admin = server;
    }

    void watcher(Closeable policyWatcher) {
        this.watcher = policyWatcher;
    }

    /** Whether {@link #run()} can restore the original methods: only with retransformation at install. */
    public boolean reversible() {
        return reversible;
    }

    /** Detaches: original methods back, admin API and policy watcher stopped, records and approvals closed. Runs once. */
    @Override
    public void run() {
        if (!reversible) {
            throw new IllegalStateException(
                    "this agent was started with -javaagent and cannot give the original"
                            + " methods back; remove the flag and restart the JVM, or switch governing off (governance --enabled false)");
        }
        if (!detached.compareAndSet(false, true)) {
            return;
        }
        // A call already inside a governed method finishes; new ones run the original code.
        BridgeInstaller.uninstall(dispatcher);
        GovernedActionInstrumentation.reset(instrumentation, transformer);
        if (dispatcher instanceof Gate gate) {
            gate.close();
        }
        AdminServer server = admin;
        if (server != null) {
            server.stop();
        }
        Closeable policyWatcher = watcher;
        if (policyWatcher != null) {
            try {
                policyWatcher.close();
            } catch (java.io.IOException | RuntimeException ignored) {
                // the watcher's thread ends with the agent's loader either way
            }
        }
        // The records file and the approvals store are closed, with the threads that serve them, so
        // that attaching again later starts from files no one else writes.
        GateState state = startup.getNow(null);
        if (state != null && state.approvals() != null) {
            try {
                state.approvals().close();
            } catch (java.io.IOException | RuntimeException e) {
                LoggerFactory.getLogger("actiongate").warn("approvals store not closed cleanly: {}", e.toString());
            }
        }
        if (state != null && state.records() != null) {
            try {
                state.records().close();
            } catch (java.io.IOException | RuntimeException e) {
                LoggerFactory.getLogger("actiongate").warn("records file not closed cleanly: {}", e.toString());
            }
        }
        System.clearProperty(RUNNING_PROPERTY);
        AgentRunningMark.set(false);
        System.clearProperty(GOVERNS_PROPERTY);
        System.clearProperty(DETACHABLE_PROPERTY);
        LoggerFactory.getLogger("actiongate")
                .warn("ActionGate detached: governed methods run their original code, unrecorded");
    }
}
