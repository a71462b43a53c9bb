package dev.actiongate.agent;

import dev.actiongate.ActionContext;
import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.escalation.DenialCounter;
import dev.actiongate.agent.escalation.IncidentWebhook;
import dev.actiongate.agent.gate.Gate;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.gate.MethodRegistry;
import dev.actiongate.agent.instrumentation.GovernedActionInstrumentation;
import dev.actiongate.agent.policy.GovernEntry;
import dev.actiongate.agent.policy.PolicySource;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the agent: resolves the configuration, plugs the gate into the bootstrap bridge and
 * installs the instrumentation on the calling thread, then loads the policy and opens the
 * records file on a background thread so the application's start is not held. The first
 * governed call waits for that work and is denied if it failed.
 */
public final class ActionGateAgent {

    private ActionGateAgent() {}

    /**
     * Called reflectively by the launcher, in the agent's isolated class loader.
     *
     * @return what detaches the agent again, or {@code null} when it is disabled and did nothing
     */
    public static Runnable start(String agentArgs, Instrumentation instrumentation, boolean attached) {
        AgentConfig config;
        try {
            config = AgentConfig.resolve(agentArgs, System.getProperties(), System.getenv());
        } catch (RuntimeException | LinkageError fault) {
            // Nothing to govern with, but the annotated methods are still known: deny them all.
            return FailClosedStart.install(
                    instrumentation, attached, "its configuration could not be resolved: " + fault);
        }
        if (!config.enabled()) {
            // Plain stderr: a disabled agent should not even pay for starting its logging.
            config.warnings().forEach(warning -> System.err.println("[actiongate] WARN  " + warning));
            System.err.println("[actiongate] INFO  ActionGate " + version() + " is disabled (enabled=false, from "
                    + config.sources().get(AgentConfig.ENABLED) + "); nothing is instrumented");
            return null;
        }
        setDefaultEnvironment(config.environment());
        AtomicBoolean bridged = new AtomicBoolean();
        try {
            return govern(config, instrumentation, attached, bridged);
        } catch (RuntimeException | LinkageError fault) {
            if (!bridged.get()) {
                // Nothing is instrumented yet: instrument anyway, and deny every call with the cause.
                return FailClosedStart.install(instrumentation, attached, "it failed while starting: " + fault);
            }
            throw fault;
        }
    }

    /** Plugs in the gate and installs the instrumentation; {@code bridged} is set once the gate is in. */
    private static Runnable govern(
            AgentConfig config, Instrumentation instrumentation, boolean attached, AtomicBoolean bridged) {
        // Synchronously, with the policy's govern: entries: a class loaded before the transformer
        // is installed would run ungoverned. Bounded: a policy on a hung mount must not hold main.
        List<GovernEntry> read;
        String readProblem = null;
        try {
            read = BoundedIo.call(
                    "reading policy " + config.policy(), config.startupTimeout(), () -> governEntries(config));
        } catch (Exception e) {
            read = List.of();
            readProblem = e.getMessage();
        }
        List<GovernEntry> govern = read;

        MethodRegistry registry = new MethodRegistry(config.argumentLimits());
        CompletableFuture<GateState> startup = new CompletableFuture<>();
        Gate gate = newGate(config, registry, startup);
        AtomicReference<String> step = new AtomicReference<>("loading policy " + config.policy());
        gate.startupDeadline(config.startupTimeout(), step::get);
        gate.instrumentedGovern(govern);
        bridged.set(true);
        if (!BridgeInstaller.install(gate)) {
            System.err.println("[actiongate] ERROR another dispatcher is already installed in this JVM; this agent"
                    + " governs nothing");
            return null;
        }
        AtomicReference<RunningAgent> running = new AtomicReference<>();
        CountDownLatch installed = new CountDownLatch(1);
        inBackground(
                "actiongate-startup",
                new BackgroundStart(config, gate, registry, startup, step::set, readProblem, running::get, installed));

        keepByteBuddyOffUnsafe();
        boolean reversible = attached || govern.stream().anyMatch(GovernEntry::isMethodEntry);
        ResettableClassFileTransformer transformer = GovernedActionInstrumentation.install(
                instrumentation,
                registry,
                ActionGateAgent.class.getClassLoader(),
                govern,
                gate.instrumentationFailures());
        running.set(new RunningAgent(instrumentation, transformer, reversible, startup, gate));
        installed.countDown();
        System.setProperty(
                RunningAgent.RUNNING_PROPERTY,
                "ActionGate " + version() + ", " + (attached ? "attached" : "javaagent") + ", since "
                        + java.time.Instant.now());
        AgentRunningMark.set(true);
        System.setProperty(RunningAgent.DETACHABLE_PROPERTY, Boolean.toString(reversible));
        publishGoverned(registry);
        if (!govern.isEmpty()) {
            inBackground("actiongate-govern-check", () -> StartupWarnings.reportUnmatched(govern, registry, startup));
        }
        return running.get();
    }

    /**
     * The agent never injects classes, so its Byte Buddy needs no sun.misc.Unsafe; saying so
     * keeps JDK 24+ from warning about terminally deprecated Unsafe methods. The name is
     * relocated along with Byte Buddy, so this leaves the application's own Byte Buddy alone.
     */
    private static void keepByteBuddyOffUnsafe() {
        if (System.getProperty("net.bytebuddy.safe") == null) {
            System.setProperty("net.bytebuddy.safe", "true");
        }
    }

    private static Gate newGate(AgentConfig config, MethodRegistry registry, CompletableFuture<GateState> startup) {
        return new Gate(
                registry,
                startup,
                config.service(),
                config.incidentWebhook() == null ? null : new IncidentWebhook(config.incidentWebhook()),
                config.contextMdc(),
                config.approvals().timeout(),
                // Set by the operator, the environment is a deployment fact no scope may contradict.
                config.sources().containsKey(AgentConfig.ENVIRONMENT)
                                && !config.environment().isBlank()
                        ? config.environment()
                        : null,
                new DenialCounter());
    }

    /** Keeps {@link RunningAgent#GOVERNS_PROPERTY} current, for {@code attach} to print. */
    private static void publishGoverned(MethodRegistry registry) {
        StringBuilder governs = new StringBuilder();
        registry.all()
                .forEach(method -> governs.append(method.action())
                        .append(" <- ")
                        .append(method.signature())
                        .append(" (")
                        .append(method.source())
                        .append(")\n"));
        System.setProperty(RunningAgent.GOVERNS_PROPERTY, governs.toString());
    }

    /**
     * The policy's {@code govern:} entries, parsed without compiling a condition, from the same
     * read of the file that {@link StartupState#prepare} compiles.
     */
    private static List<GovernEntry> governEntries(AgentConfig config) {
        return config.policy() == null
                ? List.of()
                : PolicySource.forStart(config, config.policy()).governEntries();
    }

    static void inBackground(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The agent's logger; initialised on first use, which start-up keeps off the main thread. */
    private static Logger log() {
        return LoggerFactory.getLogger("actiongate");
    }

    /** Lets {@code ActionContext.environment()} fall back to the configured environment. */
    private static void setDefaultEnvironment(String environment) {
        try {
            Field field = ActionContext.class.getDeclaredField("defaultEnvironment");
            field.setAccessible(true);
            field.set(null, environment);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log().warn("could not set the default environment '{}' on ActionContext: {}", environment, e.toString());
        }
    }

    /** The agent's version, from the jar it was built into. */
    public static String version() {
        return AgentVersion.get();
    }
}
