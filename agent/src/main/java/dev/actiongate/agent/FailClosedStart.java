package dev.actiongate.agent;

import dev.actiongate.agent.gate.Gate;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.gate.MethodRegistry;
import dev.actiongate.agent.instrumentation.GovernedActionInstrumentation;
import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

/**
 * What the agent does when it cannot start as configured: it still instruments every annotated
 * method, and every call is denied with the start-up cause. An agent that failed must never
 * leave governed bodies running undecided, as they would if nothing were instrumented. Methods
 * a {@code govern:} entry would have named cannot be known without the configuration; the
 * ERROR line says so.
 */
final class FailClosedStart {

    private FailClosedStart() {}

    static Runnable install(Instrumentation instrumentation, boolean attached, String cause) {
        String problem = "the agent could not start: " + cause;
        System.err.println("[actiongate] ERROR ActionGate " + ActionGateAgent.version() + " started FAIL-CLOSED:"
                + " every call of an annotated governed method will be denied (" + problem + "); methods named by a"
                + " policy's govern: entries are not instrumented");
        MethodRegistry registry = new MethodRegistry();
        CompletableFuture<GateState> startup = CompletableFuture.completedFuture(
                GateState.failed(problem, new GateState.Origin("unknown-host", null)));
        Gate gate = new Gate(registry, startup, "unknown-service", null, Map.of(), Duration.ofMinutes(5));
        if (!BridgeInstaller.install(gate)) {
            return null;
        }
        ResettableClassFileTransformer transformer = GovernedActionInstrumentation.install(
                instrumentation,
                registry,
                FailClosedStart.class.getClassLoader(),
                List.of(),
                gate.instrumentationFailures());
        System.setProperty(
                RunningAgent.RUNNING_PROPERTY,
                "ActionGate " + ActionGateAgent.version() + ", failed closed, since " + java.time.Instant.now());
        System.setProperty(RunningAgent.DETACHABLE_PROPERTY, Boolean.toString(attached));
        return new RunningAgent(instrumentation, transformer, attached, startup, gate);
    }
}
