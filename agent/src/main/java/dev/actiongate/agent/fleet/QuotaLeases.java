package dev.actiongate.agent.fleet;

import dev.actiongate.agent.quota.QuotaCounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Quotas counted across the fleet without a database round trip per call: this instance leases
 * a share of a window's budget from the shared {@link Source} (which never leases more than
 * {@code max} in all), spends it locally, and returns what it did not use when it goes idle or
 * closes. A call that needs more than its lease holds asks the source; when the source cannot be
 * reached that call is refused naming it (and so is, at once, every call that was waiting for
 * it), while calls within the lease go on.
 *
 * <p>A lease asks for the call's amount plus a share (a twentieth of {@code max}, at least the
 * call's amount) only while more than a quarter of the budget would stay unleased; past that it
 * asks for exactly what the call needs, so that the end of a budget is not stranded in the
 * lease of an instance that has stopped calling.
 */
final class QuotaLeases implements QuotaCounter {

    /** Where the budgets are kept: the database, or a test's stand-in. */
    interface Source {

        /**
         * Leases from the window of {@code window} current in the store what {@link #grant} allows:
         * {@code need} plus up to {@code share}, or nothing when less than {@code need} is left.
         */
        Lease lease(String limitId, String key, long need, long share, long max, Duration window) throws IOException;

        /** Returns {@code unused} to the window that started at {@code windowStart}, if it is still current. */
        void giveBack(String limitId, String key, Duration window, Instant windowStart, long unused) throws IOException;
    }

    /**
     * What the source granted.
     *
     * @param windowStart     the window it is from
     * @param remainingMillis how long that window still runs, by the store's clock
     * @param granted         how much was leased now; 0 when the call does not fit
     * @param leasedBefore    how much of the window the fleet had leased before
     */
    record Lease(Instant windowStart, long remainingMillis, long granted, long leasedBefore) {}

    /**
     * What to grant a request for {@code need} and a {@code share} from a window of which
     * {@code leased} of {@code max} is leased: nothing when {@code need} does not fit, the need
     * and the share while more than a quarter stays unleased, else exactly the need.
     */
    static long grant(long leased, long need, long share, long max) {
        long left = max - leased;
        if (need > left) {
            return 0;
        }
        return left - need - share >= max / 4 ? need + share : need;
    }

    /** One limit and key's lease on this instance; guarded by itself. */
    private static final class Held {
        private Instant windowStart;
        private long validUntilNanos;
        private long granted;
        private long spent;
        private long lastUsedNanos;
        private String failure;
        private long failedAtNanos;
    }

    private final Source source;
    private final Map<List<Object>, Held> leases = new ConcurrentHashMap<>();

    QuotaLeases(Source source) {
        this.source = source;
    }

    @Override
    public Taken take(String limitId, String key, long amount, long max, Duration window) {
        Held held = leases.computeIfAbsent(List.of(limitId, key, window), k -> new Held());
        long arrived = System.nanoTime();
        synchronized (held) {
            long now = System.nanoTime();
            held.lastUsedNanos = now;
            if (held.windowStart != null && now - held.validUntilNanos >= 0) {
                // The window is over: what was left of its lease is nobody's any more.
                held.windowStart = null;
                held.granted = 0;
                held.spent = 0;
            }
            if (held.windowStart != null && amount <= held.granted - held.spent) {
                held.spent += amount;
                return new Taken(true, held.spent - amount, held.windowStart);
            }
            if (held.failure != null && held.failedAtNanos - arrived > 0) {
                // The source failed while this call waited its turn: it is refused at once with
                // that cause rather than wait as long again; a call that comes later tries anew.
                throw new UncheckedIOException(new IOException(held.failure));
            }
            try {
                Taken taken = leaseMore(held, limitId, key, amount, max, window);
                held.failure = null;
                return taken;
            } catch (IOException e) {
                held.failure = e.getMessage();
                held.failedAtNanos = System.nanoTime();
                throw new UncheckedIOException(e);
            }
        }
    }

    private Taken leaseMore(Held held, String limitId, String key, long amount, long max, Duration window)
            throws IOException {
        long share = Math.max(amount, max / 20);
        for (int attempt = 0; ; attempt++) {
            long available = held.windowStart == null ? 0 : held.granted - held.spent;
            Lease lease = source.lease(limitId, key, amount - available, share, max, window);
            held.validUntilNanos = System.nanoTime() + lease.remainingMillis() * 1_000_000L;
            if (!lease.windowStart().equals(held.windowStart)) {
                held.windowStart = lease.windowStart();
                held.granted = 0;
                held.spent = 0;
                if (available > 0 && attempt == 0) {
                    // The store's window ended before this instance saw it: the lease counted on is
                    // void, so what was granted now is kept and the rest of the amount asked for.
                    held.granted = lease.granted();
                    continue;
                }
            }
            held.granted += lease.granted();
            if (held.granted - held.spent < amount) {
                return new Taken(false, lease.leasedBefore(), lease.windowStart());
            }
            held.spent += amount;
            return new Taken(true, lease.leasedBefore(), lease.windowStart());
        }
    }

    @Override
    public void giveBack(String limitId, String key, long amount, Duration window, Taken taken) {
        Held held = leases.get(List.of(limitId, key, window));
        if (held == null) {
            return;
        }
        synchronized (held) {
            if (taken.allowed() && taken.windowStart().equals(held.windowStart)) {
                held.spent = Math.max(0, held.spent - amount);
            }
        }
    }

    /**
     * Returns the unused part of every lease not used for {@code idle} to the source, so that
     * other instances can spend it, and forgets leases whose window is over.
     *
     * @throws IOException the first failure to return one; what could not be returned is left
     *     unused until its window ends, which never lets a limit be exceeded
     */
    void returnIdle(Duration idle) throws IOException {
        returnUnused(System.nanoTime() - idle.toNanos());
    }

    /** Returns every lease's unused part (the agent is detaching). */
    void close() throws IOException {
        returnUnused(Long.MAX_VALUE);
    }

    private void returnUnused(long usedBefore) throws IOException {
        IOException first = null;
        long now = System.nanoTime();
        for (Map.Entry<List<Object>, Held> entry : new ArrayList<>(leases.entrySet())) {
            Held held = entry.getValue();
            Instant windowStart;
            long unused;
            synchronized (held) {
                if (held.windowStart == null || now - held.validUntilNanos >= 0) {
                    leases.remove(entry.getKey(), held);
                    continue;
                }
                unused = held.granted - held.spent;
                if (unused <= 0 || (usedBefore != Long.MAX_VALUE && held.lastUsedNanos - usedBefore > 0)) {
                    continue;
                }
                windowStart = held.windowStart;
                held.granted = held.spent;
            }
            List<Object> key = entry.getKey();
            try {
                source.giveBack((String) key.get(0), (String) key.get(1), (Duration) key.get(2), windowStart, unused);
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
