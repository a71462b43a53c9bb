package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The one way the end-to-end tests wait: a condition polled until it holds or a deadline passes,
 * failing at once, with the application's output, when the application it waits on has ended.
 * Polling a few times a second costs the tests nothing and cannot flake the way a fixed sleep
 * standing in for a wait does.
 */
final class Await {

    private static final Duration POLL = Duration.ofMillis(20);

    private Await() {
    }

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
    static void until(String what, Duration limit, CompletableFuture<ForkedJvm.Run> app, Condition condition)
            throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception notYet) {
                last = notYet;
            }
            if (app != null && app.isDone()) {
                fail("the application ended before " + what + "\n" + app.get().describe());
            }
            if (System.nanoTime() > deadline) {
                fail("not within " + limit.toSeconds() + " s: " + what + (last == null ? "" : " (last: " + last + ")"));
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
