package dev.actiongate.it.apps;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.GovernedAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Four threads making governed calls for {@code RUN_MS} while a test swaps the policy under
 * them. Prints how many calls were allowed, denied, or failed any other way.
 * {@code ReloadApp RUN_MS [watching=FILE] [stop=FILE]}: creates the first file once the agent
 * watches its policy file (so a test knows an edit from then on is seen), and ends early once
 * the second file exists.
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
        Path watching = option(args, "watching=");
        Path stop = option(args, "stop=");
        if (watching != null) {
            Thread signal = new Thread(() -> signalWatching(watching), "signal-watching");
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
                while (System.currentTimeMillis() < until && (stop == null || !Files.exists(stop))) {
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

    private static Path option(String[] args, String prefix) {
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return Path.of(arg.substring(prefix.length()));
            }
        }
        return null;
    }

    /** The agent's watcher is a thread of this JVM: its name is all a test needs to know. */
    private static void signalWatching(Path marker) {
        try {
            while (Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(thread -> thread.getName().equals("actiongate-policy-watch"))) {
                Thread.sleep(20);
            }
            Files.createFile(marker);
        } catch (InterruptedException | java.io.IOException e) {
            Probe.fact("watching", e);
        }
    }
}
