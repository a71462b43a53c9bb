package dev.actiongate.agent.records;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The records' background thread. It polls rather than being woken per record: waking a thread
 * would cost the governed call a system call, which is what queuing and the journal are meant to
 * save. It polls often while records come and backs off while none do; the first record after a
 * quiet spell wakes it.
 */
final class PollingWriter {

    private static final long MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Thread thread;
    /** One pass; whether it found work. It must not throw: the thread must outlive a bad pass. */
    private final BooleanSupplier pass;
    /** Set while the thread sleeps long, so that the next record wakes it. */
    private volatile boolean idle;

    private volatile boolean stopped;

    PollingWriter(String name, BooleanSupplier pass) {
        this.pass = pass;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Called by whoever just stored records: one volatile read unless the thread sleeps long. */
    void recordsCame() {
        if (idle) {
            idle = false;
            LockSupport.unpark(thread);
        }
    }

    /** Ends the thread after its current pass, waiting at most {@code timeoutMillis} for it. */
    void stop(long timeoutMillis) {
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long pause = MIN_PAUSE_NANOS;
        while (!stopped) {
            if (pass.getAsBoolean()) {
                pause = MIN_PAUSE_NANOS;
            } else {
                pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
                idle = pause == MAX_PAUSE_NANOS;
            }
            LockSupport.parkNanos(pause);
        }
    }
}
