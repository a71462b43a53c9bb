package dev.actiongate.agent.escalation;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Denied attempts per key (actor, action, tenant) in a sliding window, in this JVM's memory. Old
 * denials fall out of the window by themselves, and keys with none left are dropped, so memory
 * follows the recent denials, not every actor ever seen.
 */
public final class DenialCounter implements EventCounter {

    private static final int SWEEP_EVERY = 1024;

    private final Map<String, Deque<Long>> denials = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final AtomicInteger untilSweep = new AtomicInteger(SWEEP_EVERY);

    public DenialCounter() {
        this(System::nanoTime);
    }

    DenialCounter(LongSupplier nanoClock) {
        this.clock = nanoClock;
    }

    /** The key denials are counted under. */
    public static String key(String actor, String action, String tenant) {
        return (actor == null ? "" : actor) + '\u0000' + action + '\u0000' + (tenant == null ? "" : tenant);
    }

    /** How many denials {@code key} had within {@code window} up to now. */
    @Override
    public int count(String key, Duration window) {
        Deque<Long> times = denials.get(key);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            prune(times, clock.getAsLong() - window.toNanos());
            return times.size();
        }
    }

    /** Counts one more denial for {@code key}, now. */
    @Override
    public void add(String key, Duration window) {
        long now = clock.getAsLong();
        Deque<Long> times = denials.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            prune(times, now - window.toNanos());
            times.addLast(now);
        }
        if (untilSweep.decrementAndGet() <= 0) {
            untilSweep.set(SWEEP_EVERY);
            sweep(now - window.toNanos());
        }
    }

    /** How many keys are tracked; for tests and status. */
    int keys() {
        return denials.size();
    }

    private void sweep(long oldest) {
        denials.forEach((key, times) -> {
            synchronized (times) {
                prune(times, oldest);
                if (times.isEmpty()) {
                    denials.remove(key, times);
                }
            }
        });
    }

    private static void prune(Deque<Long> times, long oldest) {
        while (!times.isEmpty() && times.peekFirst() - oldest < 0) {
            times.removeFirst();
        }
    }
}
