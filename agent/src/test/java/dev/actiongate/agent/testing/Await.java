package dev.actiongate.agent.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one way the agent's unit tests wait for another thread: a condition polled every few
 * milliseconds until it holds, failing with what was awaited when a deadline passes. A deadline
 * generous enough for a loaded build machine costs nothing when the condition comes at once.
 */
public final class Await {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private Await() {}

    /** A condition to wait for; a throw counts as not yet. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits up to 10 s for {@code condition}, described by {@code what} in the failure. */
    public static void until(String what, Condition condition) {
        until(what, Duration.ofSeconds(10), condition);
    }

    /** Waits up to {@code limit} for {@code condition}, described by {@code what} in the failure. */
    public static void until(String what, Duration limit, Condition condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        Throwable last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception | AssertionError notYet) {
                last = notYet;
            }
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + limit.toMillis() + " ms: " + what + (last == null ? "" : " (last: " + last + ")"));
            }
            if (Thread.interrupted()) {
                fail("interrupted while waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
