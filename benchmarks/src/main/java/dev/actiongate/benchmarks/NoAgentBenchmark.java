package dev.actiongate.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/** The baseline: the not-governed call in a JVM that has no agent at all. */
public class NoAgentBenchmark extends CallBenchmark {

    @Setup(Level.Trial)
    public void checkFork() {
        ForkChecks.requireNoAgent();
    }

    @Benchmark
    public void plainCall(Blackhole blackhole) {
        blackhole.consume(actions.plain(recipient, subject));
    }
}
