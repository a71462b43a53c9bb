package dev.actiongate.it.apps;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.GovernedAction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** {@code ConcurrencyApp THREADS CALLS}: every thread makes CALLS governed calls, all at once. */
public final class ConcurrencyApp {

    private ConcurrencyApp() {}

    public static class Counter {
        final AtomicLong bodies = new AtomicLong();

        @GovernedAction("count")
        public void increment(int thread, int call) {
            bodies.incrementAndGet();
        }
    }

    public static void main(String[] args) throws Exception {
        int threadCount = Integer.parseInt(args[0]);
        int calls = Integer.parseInt(args[1]);
        Counter counter = new Counter();
        AtomicLong denied = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            int thread = t;
            threads.add(new Thread(
                    () -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        for (int call = 0; call < calls; call++) {
                            try {
                                counter.increment(thread, call);
                            } catch (ActionDeniedException e) {
                                denied.incrementAndGet();
                            } catch (RuntimeException e) {
                                failed.incrementAndGet();
                            }
                        }
                    },
                    "worker-" + t));
        }
        threads.forEach(Thread::start);
        long begin = System.nanoTime();
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        Probe.fact("millis", (System.nanoTime() - begin) / 1_000_000);
        Probe.fact("bodies", counter.bodies.get());
        Probe.fact("denied", denied.get());
        Probe.fact("failed", failed.get());
    }
}
