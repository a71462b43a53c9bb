package dev.actiongate.agent;

import dev.actiongate.ActionContext;
import dev.actiongate.agent.admin.AdminServer;
import dev.actiongate.agent.approvals.Approvals;
import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.escalation.DenialCounter;
import dev.actiongate.agent.escalation.IncidentWebhook;
import dev.actiongate.agent.gate.Gate;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.gate.GovernedMethod;
import dev.actiongate.agent.gate.MethodRegistry;
import dev.actiongate.agent.instrumentation.GovernedActionInstrumentation;
import dev.actiongate.agent.policy.GovernEntry;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.policy.PolicyException;
import dev.actiongate.agent.policy.PolicyFileWatcher;
import dev.actiongate.agent.policy.PolicySource;
import dev.actiongate.agent.records.RecordLog;
import java.io.Closeable;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

    private ActionGateAgent() {
    }

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
            return FailClosedStart.install(instrumentation, attached, "its configuration could not be resolved: " + fault);
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
    private static Runnable govern(AgentConfig config, Instrumentation instrumentation, boolean attached,
                                   AtomicBoolean bridged) {
        // Synchronously, with the policy's govern: entries: a class loaded before the transformer
        // is installed would run ungoverned. Bounded: a policy on a hung mount must not hold main.
        List<GovernEntry> read;
        String readProblem = null;
        try {
            read = BoundedIo.call("reading policy " + config.policy(), config.startupTimeout(),
                    () -> governEntries(config));
        } catch (Exception e) {
            read = List.of();
            readProblem = e.getMessage();
        }
        List<GovernEntry> govern = read;

        MethodRegistry registry = new MethodRegistry();
        CompletableFuture<GateState> startup = new CompletableFuture<>();
        Gate gate = new Gate(registry, startup, config.service(),
                config.incidentWebhook() == null ? null : new IncidentWebhook(config.incidentWebhook()),
                config.contextMdc(), config.approvals().timeout(),
                // Set by the operator, the environment is a deployment fact no scope may contradict.
                config.sources().containsKey(AgentConfig.ENVIRONMENT) && !config.environment().isBlank()
                        ? config.environment() : null,
                new DenialCounter());
        AtomicReference<String> step = new AtomicReference<>("loading policy " + config.policy());
        gate.startupDeadline(config.startupTimeout(), step::get);
        gate.instrumentedGovern(govern);
        bridged.set(true);
        if (!BridgeInstaller.install(gate)) {
            System.err.println("[actiongate] ERROR another dispatcher is already installed in this JVM; this agent"
                    + " governs nothing");
            return null;
        }
        RunningAgent[] running = new RunningAgent[1];
        CountDownLatch installed = new CountDownLatch(1);

        // Logging, the policy's CEL and the records file all take time to start; none of it may
        // hold the application's main thread. Governed calls wait for the future instead.
        String startupProblem = readProblem;
        inBackground("actiongate-startup", () -> {
            try {
                // Logging starts here, whole, before the registration listener below lets the
                // application's threads log: SLF4J hands a thread that logs while another one is
                // still initialising it a stand-in logger, whose lines can come out late or not at all.
                log();
                config.warnings().forEach(warning -> log().warn(warning));
                warnIfContextMdcCannotWork(config);
                registry.onRegistration(method -> {
                    log().info("governing {} as action '{}'", method.signature(), method.action());
                    warnIfParametersUnnamed(method);
                });
                if (startupProblem != null) {
                    // The govern: entries could not be read in time: what the policy governs is unknown.
                    throw new IllegalStateException(startupProblem);
                }
                GateState state = prepare(config, step::set);
                // Before the first decision: whether a reviewer can answer decides how a held call is treated.
                AdminServer admin = startAdmin(config, gate, state.approvals(), () -> {
                    awaitQuietly(installed);
                    if (!running[0].reversible()) {
                        throw new IllegalStateException("this agent was started with -javaagent; remove the flag and"
                                + " restart the JVM to stop governing, or switch governing off (POST /governance)");
                    }
                    // On its own thread: detaching stops the server that is answering this request.
                    inBackground("actiongate-detach", running[0]);
                });
                startup.complete(state);
                Closeable watcher = watchPolicy(config, gate);
                awaitQuietly(installed);
                running[0].admin(admin);
                running[0].watcher(watcher);
            } catch (Throwable fault) {
                // Governed calls wait for this future: it must complete, and complete closed.
                log().error("ActionGate start-up failed; every governed call will be denied", fault);
                // A problem this start-up named itself reads best without its exception class.
                String cause = fault instanceof IllegalStateException && fault.getMessage() != null
                        ? fault.getMessage() : fault.toString();
                startup.complete(GateState.failed("the agent's start-up failed: " + cause, hostName()));
            }
        });

        // The agent never injects classes, so its Byte Buddy needs no sun.misc.Unsafe; saying so
        // keeps JDK 24+ from warning about terminally deprecated Unsafe methods. The name is
        // relocated along with Byte Buddy, so this leaves the application's own Byte Buddy alone.
        if (System.getProperty("net.bytebuddy.safe") == null) {
            System.setProperty("net.bytebuddy.safe", "true");
        }
        boolean reversible = attached || govern.stream().anyMatch(GovernEntry::isMethodEntry);
        ResettableClassFileTransformer transformer = GovernedActionInstrumentation.install(instrumentation, registry,
                ActionGateAgent.class.getClassLoader(), govern, gate.instrumentationFailures());
        running[0] = new RunningAgent(instrumentation, transformer, reversible, startup, gate);
        installed.countDown();
        System.setProperty(RunningAgent.RUNNING_PROPERTY, "ActionGate " + version() + ", "
                + (attached ? "attached" : "javaagent") + ", since " + java.time.Instant.now());
        AgentRunningMark.set(true);
        System.setProperty(RunningAgent.DETACHABLE_PROPERTY, Boolean.toString(reversible));
        publishGoverned(registry);
        if (!govern.isEmpty()) {
            inBackground("actiongate-govern-check", () -> reportUnmatched(govern, registry, startup));
        }
        return running[0];
    }

    /** Keeps {@link RunningAgent#GOVERNS_PROPERTY} current, for {@code attach} to print. */
    private static void publishGoverned(MethodRegistry registry) {
        StringBuilder governs = new StringBuilder();
        registry.all().forEach(method -> governs.append(method.action()).append(" <- ").append(method.signature())
                .append(" (").append(method.source()).append(")\n"));
        System.setProperty(RunningAgent.GOVERNS_PROPERTY, governs.toString());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The policy's {@code govern:} entries, parsed without compiling a condition, from the same
     * read of the file that {@link #prepare} compiles.
     */
    private static List<GovernEntry> governEntries(AgentConfig config) {
        return config.policy() == null ? List.of() : PolicySource.forStart(config, config.policy()).governEntries();
    }

    /**
     * Says once which {@code govern:} entries govern nothing: at once for a class the application
     * cannot even load, and after the application had time to load its classes for the rest.
     */
    private static void reportUnmatched(List<GovernEntry> govern, MethodRegistry registry,
                                        CompletableFuture<GateState> startup) {
        startup.join();
        List<GovernEntry> waiting = new ArrayList<>();
        for (GovernEntry entry : govern) {
            if (entry.isMethodEntry() && ClassLoader.getSystemClassLoader()
                    .getResource(entry.className().replace('.', '/') + ".class") == null
                    && ClassLoader.getPlatformClassLoader().getResource(entry.className().replace('.', '/') + ".class") == null) {
                log().warn("govern entry '{}' (policy line {}) matches nothing: class {} is not on the application's"
                        + " class path (it may still come from another class loader)", entry.text(), entry.line(),
                        entry.className());
            } else {
                waiting.add(entry);
            }
        }
        try {
            Thread.sleep(UNMATCHED_GRACE_MS);
        } catch (InterruptedException e) {
            return;
        }
        Set<String> matched = new HashSet<>();
        registry.all().forEach(method -> matched.add(method.entry()));
        for (GovernEntry entry : waiting) {
            if (!matched.contains(entry.text())) {
                log().warn("govern entry '{}' (policy line {}) has matched no method {} s after start",
                        entry.text(), entry.line(), UNMATCHED_GRACE_MS / 1000);
            }
        }
    }

    /** How long the application gets to load the classes a govern: entry names before it is reported. */
    private static final long UNMATCHED_GRACE_MS = 30_000;

    private static void inBackground(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The agent's logger; initialised on first use, which start-up keeps off the main thread. */
    private static Logger log() {
        return LoggerFactory.getLogger("actiongate");
    }

    /** Loads the policy and opens the records file; never throws, a failure is kept as a problem. */
    static GateState prepare(AgentConfig config, java.util.function.Consumer<String> progress) {
        Policy policy = null;
        String policyProblem = null;
        if (config.policy() == null) {
            policyProblem = "no policy is configured: set policy=/path/policy.yaml in the agent arguments,"
                    + " -Dactiongate.policy or ACTIONGATE_POLICY";
        } else {
            try {
                policy = PolicySource.forStart(config, config.policy()).compile();
            } catch (PolicyException e) {
                policyProblem = e.getMessage();
            } catch (RuntimeException | LinkageError e) {
                policyProblem = "policy " + config.policy() + " could not be loaded: " + e;
            }
        }
        RecordLog records = null;
        String recordsProblem = null;
        progress.accept("opening records file " + config.records().toAbsolutePath());
        try {
            records = RecordLog.open(config.records(), config.recordsJournal());
            Runtime.getRuntime().addShutdownHook(new Thread(records::flush, "actiongate-flush"));
        } catch (IOException | RuntimeException e) {
            recordsProblem = "records file " + config.records().toAbsolutePath() + " cannot be opened: " + e;
        }
        Approvals approvals = null;
        String approvalsProblem = null;
        progress.accept("opening approvals store " + config.approvals().store().toAbsolutePath());
        if (records == null) {
            approvalsProblem = "there is no records file to record approvals in";
        } else {
            RecordLog recordLog = records;
            try {
                approvals = Approvals.open(config.approvals().store(), config.approvals().validity(), Clock.systemUTC(),
                        record -> recordLog.append(record, null));
            } catch (IOException | RuntimeException e) {
                approvalsProblem = "approvals store " + config.approvals().store().toAbsolutePath() + " cannot be opened: " + e;
                log().error("{}; calls that need approval will be denied", approvalsProblem);
            }
        }
        String host = hostName();
        if (records != null) {
            records.describeWriter(config.service(), host, ProcessHandle.current().pid());
        }
        String jdk = System.getProperty("java.vm.vendor") + " " + Runtime.version();
        if (policy != null && !policy.enabled()) {
            log().warn("policy {} says enabled: false: governed methods run undecided and unrecorded until a policy"
                    + " enables them", policy.version());
        }
        if (policy != null && records != null) {
            log().info("ActionGate {} started: policy {} ({} rules, {} mode) from {}, records {}{}, environment {},"
                            + " service {}, JDK {}",
                    version(), policy.version(), policy.rules().size(), policy.mode().wireName(),
                    config.policy(), records.path(),
                    records.journaled() ? " (journal " + RecordLog.journalOf(records.path()) + ")" : "",
                    config.environment(), config.service(), jdk);
        } else {
            log().error("ActionGate {} started FAIL-CLOSED: every governed call will be denied. {}{}(JDK {})",
                    version(), policyProblem == null ? "" : policyProblem + ". ",
                    recordsProblem == null ? "" : recordsProblem + ". ", jdk);
        }
        return new GateState(policy, policyProblem, records, recordsProblem, host, approvals, approvalsProblem);
    }

    /** Reloads the policy when its file changes; a broken edit is rejected and recorded. */
    private static Closeable watchPolicy(AgentConfig config, Gate gate) {
        if (config.policy() == null) {
            return null;
        }
        try {
            return PolicyFileWatcher.watch(config.policy(), () -> gate.reload(config.policy(), "file-change"));
        } catch (RuntimeException e) {
            log().warn("policy {} is not watched for changes ({}); reload it through the admin API",
                    config.policy(), e.toString());
            return null;
        }
    }

    /** The admin API is a convenience for ops: failing to start it never affects governing. */
    private static AdminServer startAdmin(AgentConfig config, Gate gate, Approvals approvals, Runnable detach) {
        if (config.admin() == null) {
            return null;
        }
        try {
            AdminServer admin = AdminServer.start(config, gate, version(), detach);
            if (approvals != null) {
                approvals.reviewable(true);
            }
            log().info("admin API listening on http://{}:{}/ (bearer token required)",
                    admin.address().getHostString(), admin.address().getPort());
            return admin;
        } catch (IOException | RuntimeException e) {
            log().error("admin API not started on {}:{}: {}", config.admin().bind(), config.admin().port(), e.toString());
            return null;
        }
    }

    /**
     * A method compiled without {@code -parameters} would have every {@code args.<name>} condition
     * fail as "key is not present", which reads like a policy bug: name the cause and the fix.
     */
    private static void warnIfParametersUnnamed(GovernedMethod method) {
        if (method.parameterNamesCompiled()) {
            return;
        }
        String signature = method.signature();
        log().warn("governed method {} (action '{}') has no parameter names in its class file: policies see its"
                        + " arguments only as args.arg0, args.arg1, ... and a condition on args.<name> fails with"
                        + " \"key is not present\". Compile {} with -parameters (Maven: <parameters>true</parameters>"
                        + " in maven-compiler-plugin's <configuration>; Gradle: options.compilerArgs.add('-parameters'))",
                signature, method.action(), signature.substring(0, signature.indexOf('#')));
    }

    /** An application without SLF4J has no MDC to read: say so at start-up rather than fail later. */
    private static void warnIfContextMdcCannotWork(AgentConfig config) {
        String mdc = String.join("/", "org", "slf4j", "MDC.class");
        if (!config.contextMdc().isEmpty() && ClassLoader.getSystemClassLoader().getResource(mdc) == null) {
            log().warn("context_mdc is set ({}) but the application has no SLF4J on its class path: context"
                    + " fields can only come from ActionContext scopes", config.contextMdc());
        }
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

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String fromEnv = System.getenv("HOSTNAME");
            return fromEnv == null ? "unknown-host" : fromEnv;
        }
    }

    /** The agent's version, from the jar it was built into. */
    public static String version() {
        return AgentVersion.get();
    }
}
