package dev.actiongate.agent;

import dev.actiongate.agent.approvals.Approvals;
import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.escalation.EventCounter;
import dev.actiongate.agent.fleet.FleetStore;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.policy.CompileReport;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.policy.PolicyException;
import dev.actiongate.agent.policy.PolicySource;
import dev.actiongate.agent.quota.QuotaCounter;
import dev.actiongate.agent.records.CheckpointTrail;
import dev.actiongate.agent.records.DecisionHistory;
import dev.actiongate.agent.records.RecentRecords;
import dev.actiongate.agent.records.RecordLog;
import dev.actiongate.agent.records.SealingKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state the gate starts with: the compiled policy, the open records file and the approvals
 * desk. Never throws: each part that fails is kept as a problem that names the file and the
 * cause, and every governed call is denied with it.
 */
final class StartupState {

    private StartupState() {}

    /** Loads the policy and opens the records file and the approvals desk, telling {@code progress} each step. */
    static GateState prepare(AgentConfig config, Consumer<String> progress) {
        Part<Policy> policy = policy(config);
        progress.accept("opening records file " + config.records().toAbsolutePath());
        String host = hostName();
        Part<RecordLog> records = records(config, host);
        progress.accept("opening approvals store " + config.approvals().store().toAbsolutePath());
        if (config.store().shared()) {
            progress.accept("opening the fleet store");
            return fleet(config, policy, records, host);
        }
        Part<Approvals> approvals = approvals(config, records.value());
        logStart(config, policy, records, "");
        return new GateState(
                policy.value(),
                policy.problem(),
                records.value(),
                records.problem(),
                new GateState.Origin(host, config.store().instance()),
                approvals.value(),
                approvals.problem());
    }

    /**
     * The state of an instance of a fleet: approvals and denial counts in the shared database.
     * A store that cannot be used leaves calls that need it denied with the cause; others go on.
     */
    private static GateState fleet(AgentConfig config, Part<Policy> policy, Part<RecordLog> records, String host) {
        String instance = config.store().instance() != null
                ? config.store().instance()
                : host + ":" + ProcessHandle.current().pid();
        GateState.Origin origin = new GateState.Origin(host, instance);
        RecordLog log = records.value();
        if (log == null) {
            logStart(config, policy, records, "");
            return new GateState(
                    policy.value(), policy.problem(), null, records.problem(), origin, null, records.problem());
        }
        try {
            FleetStore store =
                    FleetStore.open(config, instance, record -> log.append(record, null), log.path(), System.getenv());
            String schema = store.connect(config.startupTimeout());
            logStart(
                    config,
                    policy,
                    records,
                    ", fleet store " + store.describe() + " (" + schema + "), instance " + instance);
            return withRecords(
                    policy,
                    log,
                    origin,
                    store.approvals(),
                    null,
                    new GateState.SharedStores(store.counter(), store.quotas(), store.decisions()));
        } catch (IOException | RuntimeException e) {
            String problem = "the fleet store cannot be used: " + e.getMessage();
            log().error("{}; calls that need approval, count denials or have limits will be denied", problem);
            logStart(config, policy, records, "");
            return withRecords(
                    policy,
                    log,
                    origin,
                    null,
                    problem,
                    new GateState.SharedStores(
                            new RefusingCounter(problem), new RefusingQuotas(problem), new UnreadableHistory(problem)));
        }
    }

    /** A fleet instance's state once its records file is open: what differs is whether its store could be used. */
    private static GateState withRecords(
            Part<Policy> policy,
            RecordLog log,
            GateState.Origin origin,
            Approvals approvals,
            String approvalsProblem,
            GateState.SharedStores shared) {
        return new GateState(policy.value(), policy.problem(), log, null, origin, approvals, approvalsProblem, shared);
    }

    /** Denial counts of a fleet store that cannot be used: every call that needs them is denied with why. */
    private record RefusingCounter(String problem) implements EventCounter {
        @Override
        public int count(String key, Duration window) {
            throw new UncheckedIOException(new IOException(problem));
        }

        @Override
        public void add(String key, Duration window) {
            throw new UncheckedIOException(new IOException(problem));
        }
    }

    /** The limits' budgets of a fleet store that cannot be used: every limited call is denied with why. */
    private record RefusingQuotas(String problem) implements QuotaCounter {
        @Override
        public Taken take(String limitId, String key, long amount, long max, Duration window) {
            throw new UncheckedIOException(new IOException(problem));
        }

        @Override
        public void giveBack(String limitId, String key, long amount, Duration window, Taken taken) {
            // nothing was taken
        }
    }

    /** The decisions of a fleet store that cannot be used: the decisions view says why. */
    private record UnreadableHistory(String problem) implements DecisionHistory {
        @Override
        public List<Decision> search(Query query) throws IOException {
            throw new IOException(problem);
        }

        @Override
        public List<Entry> decision(String decisionId) throws IOException {
            throw new IOException(problem);
        }
    }

    /** One part of the state: its value, or why there is none. */
    private record Part<T>(T value, String problem) {}

    private static Part<Policy> policy(AgentConfig config) {
        if (config.policy() == null) {
            return new Part<>(
                    null,
                    "no policy is configured: set policy=/path/policy.yaml in the agent arguments,"
                            + " -Dactiongate.policy or ACTIONGATE_POLICY");
        }
        try {
            Policy policy = PolicySource.forStart(config, config.policy()).compileForStart();
            var unused = policy.compiled().thenAccept(report -> logCompiled(policy, report));
            return new Part<>(policy, null);
        } catch (PolicyException e) {
            return new Part<>(null, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return new Part<>(null, "policy " + config.policy() + " could not be loaded: " + e);
        }
    }

    /** What compiling the conditions left for after the start found, if anything. */
    private static void logCompiled(Policy policy, CompileReport report) {
        report.warnings().forEach(warning -> log().warn("{}", warning));
        if (!report.problems().isEmpty()) {
            log().error(
                            "ActionGate policy {} from {} has conditions that do not compile, found after the start:"
                                    + " FAIL-CLOSED, every governed call is denied until a policy without them is"
                                    + " loaded: {}",
                            policy.version(),
                            policy.file(),
                            String.join("; ", report.problems()));
        }
    }

    /**
     * Opens the records file, sealed with its key (made when missing), and names this process in it
     * first. A records file that cannot be opened or named in is closed again, with its trail: no
     * writer thread, journal lock or shutdown hook is left behind by a start-up that failed.
     */
    private static Part<RecordLog> records(AgentConfig config, String host) {
        CheckpointTrail.Sink trail = null;
        RecordLog records = null;
        try {
            SealingKey key = SealingKey.openOrCreate(config.sealing().key());
            trail = trail(config.sealing());
            records = RecordLog.open(config.records(), config.recordsJournal(), key, config.service(), trail);
            records.flushOnShutdown();
            records.announce(config.service(), host, ProcessHandle.current().pid());
            return new Part<>(records, null);
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(records, trail);
            return new Part<>(null, "records file " + config.records().toAbsolutePath() + " cannot be opened: " + e);
        }
    }

    /** Closes what a failed opening of the records file left open: the log (and its trail with it), or the trail. */
    private static void closeAfterFailure(RecordLog records, CheckpointTrail.Sink trail) {
        try {
            if (records != null) {
                records.close();
            } else if (trail != null) {
                trail.close();
            }
        } catch (IOException | RuntimeException e) {
            log().warn("the records file could not be closed after it failed to open: {}", e.toString());
        }
    }

    /** Where checkpoints go besides the records file: a webhook, a file or the log. */
    private static CheckpointTrail.Sink trail(AgentConfig.Sealing sealing) {
        return sealing.checkpointsUrl() != null
                ? CheckpointTrail.toWebhook(sealing.checkpointsUrl())
                : CheckpointTrail.to(sealing.checkpoints());
    }

    private static Part<Approvals> approvals(AgentConfig config, RecordLog records) {
        if (records == null) {
            return new Part<>(null, "there is no records file to record approvals in");
        }
        try {
            return new Part<>(
                    Approvals.open(
                            config.approvals().store(),
                            config.approvals().validity(),
                            Clock.systemUTC(),
                            record -> records.append(record, null),
                            (since, each) -> RecentRecords.newestFirst(records.path(), since, each)),
                    null);
        } catch (IOException | RuntimeException e) {
            String problem =
                    "approvals store " + config.approvals().store().toAbsolutePath() + " cannot be opened: " + e;
            log().error("{}; calls that need approval will be denied", problem);
            return new Part<>(null, problem);
        }
    }

    private static void logStart(AgentConfig config, Part<Policy> policy, Part<RecordLog> records, String fleet) {
        String jdk = System.getProperty("java.vm.vendor") + " " + Runtime.version();
        Policy loaded = policy.value();
        RecordLog log = records.value();
        if (loaded != null) {
            // What check warns about: conditions whose cost multiplies with the call's lists.
            loaded.warnings().forEach(warning -> log().warn("{}", warning));
        }
        if (loaded != null && !loaded.enabled()) {
            log().warn(
                            "policy {} says enabled: false: governed methods run undecided and unrecorded until a policy"
                                    + " enables them",
                            loaded.version());
        }
        if (loaded != null && log != null) {
            log().info(
                            "ActionGate {} started: policy {} ({} rules, {} mode) from {}, records {}{}, environment {},"
                                    + " service {}{}, JDK {}",
                            ActionGateAgent.version(),
                            loaded.version(),
                            loaded.rules().size(),
                            loaded.mode().wireName(),
                            config.policy(),
                            log.path(),
                            log.journaled() ? " (journal " + RecordLog.journalOf(log.path()) + ")" : "",
                            config.environment(),
                            config.service(),
                            fleet,
                            jdk);
        } else {
            log().error(
                            "ActionGate {} started FAIL-CLOSED: every governed call will be denied. {}{}(JDK {})",
                            ActionGateAgent.version(),
                            policy.problem() == null ? "" : policy.problem() + ". ",
                            records.problem() == null ? "" : records.problem() + ". ",
                            jdk);
        }
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String fromEnv = System.getenv("HOSTNAME");
            return fromEnv == null ? "unknown-host" : fromEnv;
        }
    }

    private static Logger log() {
        return LoggerFactory.getLogger("actiongate");
    }
}
