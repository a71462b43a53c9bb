package dev.actiongate.agent;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Start-up I/O with a deadline. A policy or records path on a hung network mount (or a FIFO
 * nobody writes) blocks a read forever; the application's {@code main} must not wait with it.
 * The read runs on a daemon thread, which is left behind, still blocked, when the deadline
 * passes: Java cannot interrupt a blocked file read.
 */
final class BoundedIo {

    private BoundedIo() {}

    /** What the deadline cut short, said so that ops know which path to look at. */
    static final class DeadlinePassed extends Exception {
        private static final long serialVersionUID = 1L;

        DeadlinePassed(String message) {
            super(message);
        }
    }

    /**
     * Runs {@code io} and waits at most {@code timeout} for it.
     *
     * @param what what the I/O does, for the message: {@code "reading policy /etc/p.yaml"}
     * @throws DeadlinePassed when {@code io} did not finish in time
     * @throws Exception      what {@code io} threw
     */
    static <T> T call(String what, Duration timeout, Callable<T> io) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        result.complete(io.call());
                    } catch (Throwable e) {
                        result.completeExceptionally(e);
                    }
                },
                "actiongate-io");
        thread.setDaemon(true);
        thread.start();
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new DeadlinePassed(what + " did not finish within " + timeout.toMillis() + " ms (startup_timeout):"
                    + " is the path on a hung mount, or a FIFO nobody writes?");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception exception ? exception : new IllegalStateException(cause);
        }
    }
}
