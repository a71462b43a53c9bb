package dev.actiongate.benchmarks;

import dev.actiongate.ActionDeniedException;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Calls in a JVM running the agent with an enforcing policy: the not-governed method (which
 * must cost what it costs without the agent), an allowed governed call (decision record,
 * body, outcome record) and a denied one (decision record, exception, no body).
 *
 * <p>{@code store=file} (the default) keeps approvals in a file and counts in memory, as a
 * single JVM does; {@code -p store=file,fleet} adds forks with {@code store=jdbc:postgresql:...}
 * configured ({@link BenchStore}). None of these calls needs the database (no approval, no
 * escalation, no limit), so the two should cost the same: the fleet store only ships the records
 * on a thread of its own.
 */
@WithAgent(policy = "enforce.yaml")
public class EnforceModeBenchmark extends CallBenchmark {

    @Param({"file"})
    public String store;

    private Path records;

    @Setup(Level.Trial)
    public void checkFork() {
        records = ForkChecks.requireAgent();
        // The first governed call also waits for the agent's background start-up; do it here.
        actions.allowed(recipient, subject);
        try {
            actions.denied(recipient, subject);
            throw new IllegalStateException("bench_denied ran its body: the policy was not enforced");
        } catch (ActionDeniedException expected) {
            // the gate works
        }
        ForkChecks.requireDecision(records, "bench_allowed", true, "\"verdict\":\"allow\"", "\"enforced\":true");
        ForkChecks.requireDecision(records, "bench_denied", false, "\"verdict\":\"deny\"", "\"enforced\":true");
    }

    @TearDown(Level.Iteration)
    public void truncateRecords() {
        ForkChecks.truncate(records);
    }

    @Benchmark
    public void notGoverned(Blackhole blackhole) {
        blackhole.consume(actions.plain(recipient, subject));
    }

    @Benchmark
    public void governedAllowed(Blackhole blackhole) {
        blackhole.consume(actions.allowed(recipient, subject));
    }

    @Benchmark
    public void governedDenied(Blackhole blackhole) {
        try {
            blackhole.consume(actions.denied(recipient, subject));
        } catch (ActionDeniedException denied) {
            // The expected path: consuming the exception keeps its construction from being elided.
            blackhole.consume(denied);
        }
    }
}
