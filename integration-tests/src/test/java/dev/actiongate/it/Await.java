package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;

/**
 * The one way the end-to-end tests wait: a condition polled until it holds or a deadline passes,
 * failing at once, with the application's output, when the application it waits on has ended.
 * Polling a few times a second costs the tests nothing and cannot flake the way a fixed sleep
 * standing in for a wait does.
 */
final class Await {

    private static final Duration POLL = Duration.ofMillis(20);

    private Await() {}

    /** A condition to wait for; it may throw, which counts as not yet. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @param what  the condition in words, for the failure message
     * @param limit how long to wait at most
     * @param app   the application being waited on, or {@code null}
     */
    static void until(String what, Duration limit, StartedJvm app, Condition condition) {
        value(what, limit, app, () -> condition.holds() ? Boolean.TRUE : null);
    }

    /** A value to wait for; {@code null} or a throw counts as not yet. */
    @FunctionalInterface
    interface Probe<T> {
        T value() throws Exception;
    }

    /** Waits until {@code probe} gives a value, and returns it; as {@link #until}. */
    static <T> T value(String what, Duration limit, StartedJvm app, Probe<T> probe) {
        long deadline = System.nanoTime() + limit.toNanos();
        Throwable last = null;
        while (true) {
            try {
                T value = probe.value();
                if (value != null) {
                    return value;
                }
            } catch (Exception | AssertionError notYet) {
                last = notYet;
            }
            if (app != null && app.ended().isPresent()) {
                fail("the application ended before " + what + "\n" + app.describe());
            }
            if (System.nanoTime() > deadline) {
                fail("not within " + limit.toSeconds() + " s: " + what + (last == null ? "" : " (last: " + last + ")")
                        + (app == null ? "" : "\n" + app.describe()));
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
    }
}
