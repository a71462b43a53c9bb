package dev.actiongate.it.apps;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.GovernedAction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Four threads making governed calls for {@code RUN_MS} while a test swaps the policy under
 * them. Prints how many calls were allowed, denied, or failed any other way.
 * {@code ReloadApp RUN_MS [watching] [stop]}: with {@code watching} it prints {@code MARK watching}
 * once the agent watches its policy file (so a test knows an edit from then on is seen), and with
 * {@code stop} it ends early once the test sends {@code stop}.
 */
public final class ReloadApp {

    private ReloadApp() {}

    public static final class Ledger {
        @GovernedAction("post_entry")
        public long post(long amount) {
            return amount;
        }
    }

    public static void main(String[] args) throws Exception {
        long until = System.currentTimeMillis() + Long.parseLong(args[0]);
        List<String> options = List.of(args);
        BooleanSupplier stop = options.contains("stop") ? Signals.signalled("stop") : () -> false;
        if (options.contains("watching")) {
            Thread signal = new Thread(ReloadApp::signalWatching, "signal-watching");
            signal.setDaemon(true);
            signal.start();
        }
        Ledger ledger = new Ledger();
        AtomicLong allowed = new AtomicLong();
        AtomicLong denied = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                while (System.currentTimeMillis() < until && !stop.getAsBoolean()) {
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

    /**
     * The agent's watcher is a thread of this JVM: its name is all a test needs to know. The agent
     * announces it nowhere, so this looks for it a few times a second.
     */
    private static void signalWatching() {
        try {
            while (Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(thread -> thread.getName().equals("actiongate-policy-watch"))) {
                Thread.sleep(20);
            }
            Signals.mark("watching");
        } catch (InterruptedException e) {
            Probe.fact("watching", e);
        }
    }
}
