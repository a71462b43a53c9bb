package dev.actiongate.benchmarks;

import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A governed call that the policy denies in monitor mode: the decision is recorded with
 * {@code enforced=false} and the body runs, followed by its outcome record. Its own class,
 * and so its own fork, because monitor mode is a property of the whole policy.
 */
@WithAgent(policy = "monitor.yaml")
public class MonitorModeBenchmark extends CallBenchmark {

    private Path records;

    @Setup(Level.Trial)
    public void checkFork() {
        records = ForkChecks.requireAgent();
        // Must return normally (monitor mode), and waits for the agent's background start-up.
        actions.monitored(recipient, subject);
        ForkChecks.requireDecision(records, "bench_monitored", true, "\"verdict\":\"deny\"", "\"enforced\":false");
    }

    @TearDown(Level.Iteration)
    public void truncateRecords() {
        ForkChecks.truncate(records);
    }

    @Benchmark
    public void governedMonitored(Blackhole blackhole) {
        blackhole.consume(actions.monitored(recipient, subject));
    }
}
