package dev.actiongate.agent.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The budgets of one JVM, in memory. Windows are fixed, aligned to the epoch: a window of 1h
 * starts on the hour, so that every key's window is the same and none is kept past its end.
 */
public final class LocalQuotas implements QuotaCounter {

    /** Past this many keys, windows that ended are forgotten on the next take. */
    private static final int TIDY_ABOVE = 10_000;

    private final Clock clock;
    private final Map<List<String>, Window> windows = new ConcurrentHashMap<>();

    public LocalQuotas() {
        this(Clock.systemUTC());
    }

    /** @param clock what the windows are measured by; a test moves its own */
    public LocalQuotas(Clock clock) {
        this.clock = clock;
    }

    /** One key's use of one window; guarded by itself. */
    private static final class Window {
        private long startMillis;
        private long endMillis;
        private long used;
    }

    @Override
    public Taken take(String limitId, String key, long amount, long max, Duration window) {
        long now = clock.millis();
        long length = window.toMillis();
        long start = Math.floorDiv(now, length) * length;
        if (windows.size() > TIDY_ABOVE) {
            windows.values().removeIf(w -> ended(w, now));
        }
        Window used = windows.computeIfAbsent(List.of(limitId, key), k -> new Window());
        synchronized (used) {
            if (used.startMillis != start) {
                used.startMillis = start;
                used.endMillis = start + length;
                used.used = 0;
            }
            long before = used.used;
            boolean allowed = amount <= max - before;
            if (allowed) {
                used.used = before + amount;
            }
            return new Taken(allowed, before, Instant.ofEpochMilli(start));
        }
    }

    @Override
    public void giveBack(String limitId, String key, long amount, Duration window, Taken taken) {
        Window used = windows.get(List.of(limitId, key));
        if (used == null || !taken.allowed()) {
            return;
        }
        synchronized (used) {
            if (used.startMillis == taken.windowStart().toEpochMilli()) {
                used.used = Math.max(0, used.used - amount);
            }
        }
    }

    private static boolean ended(Window window, long now) {
        synchronized (window) {
            return window.endMillis <= now;
        }
    }
}
