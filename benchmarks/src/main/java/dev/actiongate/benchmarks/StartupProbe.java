package dev.actiongate.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Instant;

/**
 * The trivial application {@link StartupTiming} starts, with and without the agent. It notes
 * the wall-clock time on entering {@code main} and after its first governed call returned
 * (with the agent that call waits for the policy to be loaded and compiled), then prints them
 * on one line for the parent to read. Wall-clock time because the parent's clock is the only
 * one that saw the process being spawned.
 */
public final class StartupProbe {

    static final String PREFIX = "actiongate-startup-probe";

    private StartupProbe() {}

    public static void main(String[] args) {
        long mainMicros = micros(Instant.now());
        int result = new Actions().allowed("ops@example.com", "start-up probe");
        long firstCallMicros = micros(Instant.now());
        // Read after the timed part: loading the management classes is not the agent's cost.
        long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.println(PREFIX + " main_us=" + mainMicros + " first_call_us=" + firstCallMicros + " jvm_start_ms="
                + jvmStartMillis + " result=" + result);
    }

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
