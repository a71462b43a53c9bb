package dev.actiongate.benchmarks;

import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * An allowed call whose action has {@code rules} rules: every one is evaluated (all of them, not
 * just the first that matches), one allows. With 1 rule this is {@link
 * EnforceModeBenchmark#governedAllowed}; the difference is what the other rules on the action
 * cost the call. Each value of {@code rules} runs in its own fork, with the agent and the
 * generated policy {@code rules-N-on-bench_allowed.yaml} ({@link GeneratedPolicies}).
 */
@WithAgent(policy = "rules-{rules}-on-bench_allowed.yaml")
public class RulesPerActionBenchmark extends CallBenchmark {

    @Param({"1", "100", "1000"})
    public int rules;

    private Path records;

    @Setup(Level.Trial)
    public void checkFork() {
        records = ForkChecks.requireAgent();
        // The first governed call also waits for the agent's background start-up; do it here.
        actions.allowed(recipient, subject);
        ForkChecks.requireDecision(
                records,
                "bench_allowed",
                true,
                "\"verdict\":\"allow\"",
                "\"matched_rules\":[\"bench-allow-internal\"]");
    }

    @TearDown(Level.Iteration)
    public void truncateRecords() {
        ForkChecks.truncate(records);
    }

    @Benchmark
    public void governedAllowed(Blackhole blackhole) {
        blackhole.consume(actions.allowed(recipient, subject));
    }
}
