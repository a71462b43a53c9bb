package dev.actiongate.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every call benchmark shares, so forks with and without the agent differ in nothing but
 * the agent: the target, its arguments and the JMH settings. SampleTime gives the median
 * (p0.50) the target is stated in, AverageTime the mean; nanoseconds so the not-governed
 * baseline stays readable. Defaults suit a 2-core machine and are overridden by JMH's usual
 * options ({@code -f -wi -w -i -r -bm -tu}).
 *
 * <p>Not final, like its subclasses: JMH generates subclasses of benchmark and state classes.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public abstract class CallBenchmark {

    protected final Actions actions = new Actions();

    // Mutable fields rather than constants, so the JIT cannot fold the work away.
    protected String recipient = "ops@example.com";
    protected String subject = "weekly report";
}
