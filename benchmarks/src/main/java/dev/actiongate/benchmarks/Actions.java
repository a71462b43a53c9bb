package dev.actiongate.benchmarks;

import dev.actiongate.GovernedAction;

/**
 * The "application" the benchmarks call: the same trivial body several times, once not governed
 * and once per governed action, so that any difference between the benchmarks is what the
 * agent adds. The not-governed method deliberately sits in the same class as the governed ones:
 * the agent transforms this class, and the benchmark shows that a method it did not annotate is
 * still left exactly as compiled.
 */
public final class Actions {

    /** Not annotated: the baseline, with or without the agent in the JVM. */
    public int plain(String recipient, String subject) {
        return work(recipient, subject);
    }

    /** Allowed by {@code enforce.yaml} (rule bench-allow-internal). */
    @GovernedAction("bench_allowed")
    public int allowed(String recipient, String subject) {
        return work(recipient, subject);
    }

    /** Denied by {@code enforce.yaml} (rule bench-deny-all): the body never runs. */
    @GovernedAction("bench_denied")
    public int denied(String recipient, String subject) {
        return work(recipient, subject);
    }

    /** Denied by {@code monitor.yaml}, whose mode is monitor: recorded, then the body runs. */
    @GovernedAction("bench_monitored")
    public int monitored(String recipient, String subject) {
        return work(recipient, subject);
    }

    /** Allowed by {@code limited.yaml}, under a limit per tenant (LimitedCallBenchmark). */
    @GovernedAction("bench_limited")
    public int limited(String recipient, String subject) {
        return work(recipient, subject);
    }

    /** Held for approval by {@code held.yaml} (WakeupTiming): runs once a reviewer approves. */
    @GovernedAction("bench_held")
    public int held(String recipient, String subject) {
        return work(recipient, subject);
    }

    // Trivial on purpose: the benchmarks measure the gate, not the action.
    private static int work(String recipient, String subject) {
        return recipient.length() + subject.length();
    }
}
