package dev.actiongate.it.apps;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.GovernedAction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * {@code RecordsFileApp THREADS}: every thread makes governed calls, one after another
 * with a short pause, until the test sends {@code stop}; then it prints, per thread, how many calls it
 * made ({@code FACT calls.T}) and which were denied ({@code FACT denied.T}, call numbers), and how
 * many bodies ran in all ({@code FACT bodies}). A test changes the records file meanwhile.
 */
public final class RecordsFileApp {

    private RecordsFileApp() {}

    public static class Worker {
        final AtomicLong bodies = new AtomicLong();

        @GovernedAction("work")
        public void work(int thread, int call) {
            bodies.incrementAndGet();
        }
    }

    public static void main(String[] args) throws Exception {
        int threadCount = Integer.parseInt(args[0]);
        BooleanSupplier stop = Signals.signalled("stop");
        Worker worker = new Worker();
        int[] calls = new int[threadCount];
        List<List<Integer>> denied = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            int thread = t;
            List<Integer> refused = new ArrayList<>();
            denied.add(refused);
            threads.add(new Thread(
                    () -> {
                        int call = 0;
                        while (call % 64 != 0 || !stop.getAsBoolean()) {
                            try {
                                worker.work(thread, call);
                            } catch (ActionDeniedException e) {
                                refused.add(call);
                            }
                            call++;
                            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
                        }
                        calls[thread] = call;
                    },
                    "worker-" + t));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        for (int t = 0; t < threadCount; t++) {
            Probe.fact("calls." + t, calls[t]);
            Probe.fact("denied." + t, denied.get(t).toString());
        }
        Probe.fact("bodies", worker.bodies.get());
    }
}
