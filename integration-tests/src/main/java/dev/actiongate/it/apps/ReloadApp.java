package dev.actiongate.it.apps;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.GovernedAction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Four threads making governed calls for {@code RUN_MS} while a test swaps the policy under
 * them. Prints how many calls were allowed, denied, or failed any other way.
 */
public final class ReloadApp {

    private ReloadApp() {
    }

    public static final class Ledger {
        @GovernedAction("post_entry")
        public long post(long amount) {
            return amount;
        }
    }

    public static void main(String[] args) throws Exception {
        long until = System.currentTimeMillis() + Long.parseLong(args[0]);
        Ledger ledger = new Ledger();
        AtomicLong allowed = new AtomicLong();
        AtomicLong denied = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                while (System.currentTimeMillis() < until) {
                    try {
                        ledger.post(10);
                        allowed.incrementAndGet();
                    } catch (ActionDeniedException e) {
                        denied.incrementAndGet();
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Probe.fact("allowed", allowed.get());
        Probe.fact("denied", denied.get());
        Probe.fact("failed", failed.get());
    }
}
