package dev.actiongate.benchmarks;

import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The allowed call of {@link EnforceModeBenchmark#governedAllowed} under a policy that escalates
 * repeated denials ({@code escalating.yaml}): every call needs its key's count of denials. With
 * {@code store=fleet} the count is the fleet's, in PostgreSQL; a key the database counted none
 * for is remembered until a denial of it is announced, so the difference from {@code store=file}
 * is what the fleet's escalation costs a call that was never denied.
 */
@WithAgent(policy = "escalating.yaml")
public class EscalatingCallBenchmark extends CallBenchmark {

    @Param({"file"})
    public String store;

    private Path records;

    @Setup(Level.Trial)
    public void checkFork() {
        records = ForkChecks.requireAgent();
        // The first governed call also waits for the agent's background start-up.
        actions.allowed(recipient, subject);
        ForkChecks.requireDecision(records, "bench_allowed", true, "\"verdict\":\"allow\"");
    }

    @TearDown(Level.Iteration)
    public void truncateRecords() {
        ForkChecks.truncate(records);
    }

    @Benchmark
    public void escalatingAllowed(Blackhole blackhole) {
        blackhole.consume(actions.allowed(recipient, subject));
    }
}
