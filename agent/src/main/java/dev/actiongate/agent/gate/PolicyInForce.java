package dev.actiongate.agent.gate;

import dev.actiongate.agent.policy.GovernEntry;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.policy.PolicyException;
import dev.actiongate.agent.policy.PolicyLoader;
import dev.actiongate.agent.policy.Verdict;
import dev.actiongate.agent.records.RecordSink;
import dev.actiongate.agent.records.Timestamps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy decisions use: the state start-up prepares, how long a call waits for it, and the
 * reloads that replace it, each recorded ({@code policy_loaded}, {@code policy_rejected}).
 */
final class PolicyInForce {

    private final CompletableFuture<GateState> startup;
    private final String service;
    private final FaultLog faults;
    /** What decisions use once start-up is done; replaced whole when a new policy is loaded. */
    private volatile GateState current;
    /** The text of each govern: entry the instrumentation was installed with. */
    private volatile Set<String> instrumentedGovern = Set.of();
    /** When a governed call stops waiting for start-up and is denied instead; see {@link #startupDeadline}. */
    private volatile long startupDeadlineNanos = Long.MAX_VALUE;

    private volatile Supplier<String> startupStep = () -> "starting";

    PolicyInForce(CompletableFuture<GateState> startup, String service, FaultLog faults) {
        this.startup = startup;
        this.service = service;
        this.faults = faults;
        var unused = startup.thenAccept(state -> {
            synchronized (this) {
                if (current == null) {
                    current = state;
                }
            }
        });
    }

    /** What decisions use, or {@code null} until start-up has handed it over: one volatile read. */
    GateState current() {
        return current;
    }

    /** What the gate decides with, or {@code null} while start-up is still running. */
    GateState state() {
        GateState state = current;
        return state != null ? state : startup.getNow(null);
    }

    /** See {@link Gate#startupDeadline}. */
    void startupDeadline(Duration timeout, Supplier<String> step) {
        this.startupStep = step;
        long now = System.nanoTime();
        long nanos = timeout.toNanos();
        // Saturates: a sum that wrapped would put the deadline in the past and deny at once.
        this.startupDeadlineNanos = nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }

    void instrumentedGovern(List<GovernEntry> entries) {
        this.instrumentedGovern = entries.stream().map(GovernEntry::text).collect(Collectors.toUnmodifiableSet());
    }

    /** Waits for start-up until its deadline; past it, denies {@code method}'s call naming what start-up is doing. */
    GateState awaitStartup(GovernedMethod method) throws InterruptedException, ExecutionException {
        try {
            return startup.get(Math.max(0, startupDeadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            String problem = "the agent's start-up has not finished within its deadline (startup_timeout); it is still "
                    + startupStep.get() + "; failing closed until it finishes";
            faults.reportOnce(problem);
            throw Denial.of(null, method.action(), Verdict.DENY.wireName(), problem, List.of());
        }
    }

    /** See {@link Gate#reload}. */
    synchronized Gate.Reload reload(Path file, String trigger) {
        GateState before = startup.join();
        if (current != null) {
            before = current;
        }
        Policy old = before.policy();
        Map<String, Object> record = new LinkedHashMap<>();
        String outcome;
        boolean rejected = false;
        try {
            Policy loaded = new PolicyLoader().load(file);
            if (old != null && loaded.sha256().equals(old.sha256())) {
                return new Gate.Reload(false, "policy " + file + " is unchanged (" + old.version() + ")");
            }
            current = before.withPolicy(loaded);
            if (old != null) {
                old.stopCompiling();
            }
            outcome = loaded(file, old, loaded, record);
            log().info("{} ({})", outcome, trigger);
            loaded.warnings().forEach(warning -> log().warn("{}", warning));
            if (!loaded.enabled()) {
                log().warn(
                                "policy {} says enabled: false: governed methods run unrecorded until a policy enables them",
                                loaded.version());
            }
        } catch (PolicyException e) {
            record.put("file", file.toString());
            record.put("in_force_version", old == null ? null : old.version());
            rejected = true;
            record.put("kind", "policy_rejected");
            record.put("problems", e.problems());
            outcome = "policy " + file + " rejected, " + (old == null ? "no usable policy" : old.version())
                    + " stays in force: " + String.join("; ", e.problems());
            log().error("{} ({})", outcome, trigger);
        }
        record.put("service", service);
        record.put("timestamp", Timestamps.now());
        record.put("trigger", trigger);
        write(before.sink(), record);
        return new Gate.Reload(rejected, outcome);
    }

    /** Fills the {@code policy_loaded} record of {@code loaded} replacing {@code old}; returns the outcome line. */
    private String loaded(Path file, Policy old, Policy loaded, Map<String, Object> record) {
        // Compared with what was instrumented, not with the policy before: a start that failed
        // instrumented no govern: entry at all, whatever the fixed file now names.
        List<String> notInstrumented = loaded.govern().stream()
                .map(GovernEntry::text)
                .filter(text -> !instrumentedGovern.contains(text))
                .toList();
        if (!notInstrumented.isEmpty()) {
            log().error(
                            "govern: entries of {} were not instrumented when the service started, so the methods"
                                    + " only they name run UNDECIDED until the service restarts: {}",
                            file,
                            notInstrumented);
            record.put("govern_not_instrumented", notInstrumented);
        } else if (old != null && !old.govern().equals(loaded.govern())) {
            log().warn(
                            "the govern: entries of {} changed; methods are instrumented at class loading, so the"
                                    + " change takes effect when the service restarts",
                            file);
        }
        record.put("file", file.toString());
        record.put("enabled", loaded.enabled());
        record.put("kind", "policy_loaded");
        record.put("new_sha256", loaded.sha256());
        record.put("new_version", loaded.version());
        record.put("old_sha256", old == null ? null : old.sha256());
        record.put("old_version", old == null ? null : old.version());
        return "policy " + loaded.version() + " (" + loaded.rules().size() + " rules) from " + file
                + " is in force, replacing " + (old == null ? "no usable policy" : old.version());
    }

    private static void write(RecordSink sink, Map<String, Object> record) {
        if (sink == null) {
            return;
        }
        try {
            sink.append(record, null);
        } catch (Exception e) {
            log().error("{} record could not be written ({}): {}", record.get("kind"), e, record);
        }
    }

    private static Logger log() {
        return LoggerFactory.getLogger("actiongate");
    }
}
