package dev.actiongate.benchmarks;

import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The allowed call of {@link EnforceModeBenchmark#governedAllowed}, on an action with a limit per
 * recipient ({@code limited.yaml}): the difference is what the limit costs a call within its budget.
 * With {@code store=memory} (the default) the budget is this JVM's; with {@code store=fleet} it
 * is leased from the PostgreSQL database {@link BenchStore} names, and every
 * measured call is within its lease: no round trip.
 */
@WithAgent(policy = "limited.yaml")
public class LimitedCallBenchmark extends CallBenchmark {

    @Param({"memory"})
    public String store;

    private Path records;

    @Setup(Level.Trial)
    public void checkFork() {
        records = ForkChecks.requireAgent();
        // The first governed call also waits for the agent's background start-up, and takes the lease.
        actions.limited(recipient, subject);
        ForkChecks.requireDecision(records, "bench_limited", true, "\"verdict\":\"allow\"");
    }

    @TearDown(Level.Iteration)
    public void truncateRecords() {
        ForkChecks.truncate(records);
    }

    @Benchmark
    public void limitedAllowed(Blackhole blackhole) {
        blackhole.consume(actions.limited(recipient, subject));
    }
}
