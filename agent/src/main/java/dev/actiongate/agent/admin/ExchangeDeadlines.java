package dev.actiongate.agent.admin;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The admin server's own threads, each exchange on them under a deadline. The JDK's server reads
 * a request's line and headers on the executor's thread, from a blocking socket channel, with no
 * time limit of its own; its limits ({@code sun.net.httpserver.maxReqTime} and the like) are
 * system properties, read once for every {@code HttpServer} in the JVM, the application's too, so
 * the agent must not set them. Instead, a watchdog interrupts a thread whose exchange is past its
 * deadline: reading a socket channel is interruptible, so the read fails, the JDK closes that one
 * connection, and the thread is free again. The deadline is the header timeout from the first
 * byte; {@link RequestGuard} then sets one for the body and one for the answer, and none while an
 * endpoint works (interrupting it could leave a change half made).
 */
final class ExchangeDeadlines implements Executor {

    /** One exchange: its thread and its deadline ({@link System#nanoTime}); {@code Long.MAX_VALUE} for none. */
    private static final class Watch {
        private final Thread thread;
        private long deadline;
        private boolean over;

        Watch(Thread thread, long deadline) {
            this.thread = thread;
            this.deadline = deadline;
        }

        synchronized void deadline(long at) {
            deadline = at;
        }

        /** Interrupts the thread once when its deadline passed, unless the exchange ended. */
        synchronized void interruptIfLate(long now) {
            if (!over && deadline != Long.MAX_VALUE && now - deadline > 0) {
                over = true;
                thread.interrupt();
            }
        }

        /** After this, the watchdog leaves the thread alone. */
        synchronized void end() {
            over = true;
        }
    }

    private final ExecutorService threads;
    private final Duration headers;
    private final Map<Thread, Watch> watched = new ConcurrentHashMap<>();
    private final Thread watchdog;

    /**
     * @param threads how many exchanges run at once; more wait, each for at most the deadlines of one before it
     * @param headers how long a request's line and headers may take to arrive, from its first byte
     */
    ExchangeDeadlines(int threads, Duration headers) {
        this.threads = Executors.newFixedThreadPool(threads, task -> daemon(task, "actiongate-admin"));
        this.headers = headers;
        this.watchdog = daemon(this::watchForever, "actiongate-admin-deadlines");
        this.watchdog.start();
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void execute(Runnable exchange) {
        threads.execute(() -> run(exchange));
    }

    private void run(Runnable exchange) {
        Thread self = Thread.currentThread();
        Watch watch = new Watch(self, System.nanoTime() + headers.toNanos());
        watched.put(self, watch);
        try {
            exchange.run();
        } finally {
            watch.end();
            watched.remove(self);
            // An interrupt meant for this exchange must not reach the next one on this thread.
            Thread.interrupted();
        }
    }

    /** Gives the exchange on the calling thread until {@code limit} from now. */
    void within(Duration limit) {
        deadline(System.nanoTime() + limit.toNanos());
    }

    /** Lifts the calling thread's deadline, while an endpoint works. */
    void unbounded() {
        deadline(Long.MAX_VALUE);
    }

    private void deadline(long at) {
        Watch watch = watched.get(Thread.currentThread());
        if (watch != null) {
            watch.deadline(at);
        }
    }

    private void watchForever() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            watched.values().forEach(watch -> watch.interruptIfLate(now));
        }
    }

    /** Stops the watchdog and the threads once their exchanges end. */
    void shutdown() {
        watchdog.interrupt();
        threads.shutdown();
    }
}
