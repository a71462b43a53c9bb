package dev.actiongate.agent;

import dev.actiongate.agent.admin.AdminServer;
import dev.actiongate.agent.approvals.Approvals;
import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.gate.Gate;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.gate.MethodRegistry;
import dev.actiongate.agent.policy.PolicyFileWatcher;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up work that may not hold the application's main thread: logging, the policy's CEL,
 * the records file, the admin API and the policy watcher all take time. Governed calls wait for
 * {@link #startup} instead, which this always completes: with the state, or closed with the cause.
 *
 * @param startupProblem why the {@code govern:} entries could not be read in time, or {@code null}
 * @param running        the running agent, once the instrumentation is installed ({@code installed} counted down)
 */
record BackgroundStart(
        AgentConfig config,
        Gate gate,
        MethodRegistry registry,
        CompletableFuture<GateState> startup,
        Consumer<String> step,
        String startupProblem,
        Supplier<RunningAgent> running,
        CountDownLatch installed)
        implements Runnable {

    @Override
    public void run() {
        try {
            // Logging starts here, whole, before the registration listener below lets the
            // application's threads log: SLF4J hands a thread that logs while another one is
            // still initialising it a stand-in logger, whose lines can come out late or not at all.
            log();
            config.warnings().forEach(warning -> log().warn(warning));
            StartupWarnings.warnIfContextMdcCannotWork(config);
            registry.onRegistration(method -> {
                log().info("governing {} as action '{}'", method.signature(), method.action());
                StartupWarnings.warnIfParametersUnnamed(method);
            });
            if (startupProblem != null) {
                // The govern: entries could not be read in time: what the policy governs is unknown.
                throw new IllegalStateException(startupProblem);
            }
            GateState state = StartupState.prepare(config, step);
            // Before the first decision: whether a reviewer can answer decides how a held call is treated.
            AdminServer admin = startAdmin(state.approvals());
            startup.complete(state);
            Closeable watcher = watchPolicy();
            awaitInstalled();
            running.get().admin(admin);
            running.get().watcher(watcher);
        } catch (Throwable fault) {
            // Governed calls wait for this future: it must complete, and complete closed.
            log().error("ActionGate start-up failed; every governed call will be denied", fault);
            // A problem this start-up named itself reads best without its exception class.
            String cause = fault instanceof IllegalStateException && fault.getMessage() != null
                    ? fault.getMessage()
                    : fault.toString();
            startup.complete(GateState.failed(
                    "the agent's start-up failed: " + cause, new GateState.Origin(StartupState.hostName(), null)));
        }
    }

    /** Detaching through the admin API: only an agent whose instrumentation can be taken back. */
    private void detach() {
        awaitInstalled();
        if (!running.get().reversible()) {
            throw new IllegalStateException("this agent was started with -javaagent; remove the flag and"
                    + " restart the JVM to stop governing, or switch governing off (POST /governance)");
        }
        // On its own thread: detaching stops the server that is answering this request.
        ActionGateAgent.inBackground("actiongate-detach", running.get());
    }

    /** The admin API is a convenience for ops: failing to start it never affects governing. */
    private AdminServer startAdmin(Approvals approvals) {
        if (config.admin() == null) {
            return null;
        }
        try {
            AdminServer admin = AdminServer.start(config, gate, ActionGateAgent.version(), this::detach);
            if (approvals != null) {
                approvals.reviewable(true);
            }
            log().info(
                            "admin API listening on http://{}:{}/ (bearer token required)",
                            admin.address().getHostString(),
                            admin.address().getPort());
            return admin;
        } catch (IOException | RuntimeException e) {
            log().error(
                            "admin API not started on {}:{}: {}",
                            config.admin().bind(),
                            config.admin().port(),
                            // Ours say exactly what to change; the JDK's (a port taken) need their type.
                            e instanceof IOException && e.getClass() == IOException.class
                                    ? e.getMessage()
                                    : e.toString());
            return null;
        }
    }

    /** Reloads the policy when its file changes; a broken edit is rejected and recorded. */
    private Closeable watchPolicy() {
        if (config.policy() == null) {
            return null;
        }
        try {
            return PolicyFileWatcher.watch(config.policy(), () -> gate.reload(config.policy(), "file-change"));
        } catch (RuntimeException e) {
            log().warn(
                            "policy {} is not watched for changes ({}); reload it through the admin API",
                            config.policy(),
                            e.toString());
            return null;
        }
    }

    private void awaitInstalled() {
        try {
            installed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Logger log() {
        return LoggerFactory.getLogger("actiongate");
    }
}
