package dev.actiongate.agent.fleet;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Whether the fleet's database is known to be unreachable, so that a call that needs it is denied
 * at once rather than after waiting out a connection timeout: with the database down, every held
 * call would otherwise hold its thread for {@link FleetDatabase#CONNECTION_TIMEOUT_MS}, and a
 * service under load would slow down for calls that never needed the database. While it is down,
 * one caller per {@link #RETRY_NANOS} tries it again (the others are denied with the failure that
 * was last seen), and the first that reaches it ends the outage.
 */
final class Outage {

    /** How often, while the database is down, one caller tries it again. */
    static final long RETRY_NANOS = 500_000_000L;

    private final LongSupplier nanoTime;
    private final AtomicReference<Down> down = new AtomicReference<>();

    /** The last failure, and when the next caller may try the database. */
    private record Down(IOException failure, long retryAt) {}

    Outage(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * Returns when this caller may try the database: it is not known to be down, or it is this
     * caller's turn to try it again.
     *
     * @throws IOException the last failure to reach it, when the database is down and another
     *     caller tried it less than {@link #RETRY_NANOS} ago
     */
    void beforeTrying() throws IOException {
        Down known = down.get();
        if (known == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (now - known.retryAt() >= 0 && down.compareAndSet(known, new Down(known.failure(), now + RETRY_NANOS))) {
            return;
        }
        throw new IOException(known.failure().getMessage(), known.failure());
    }

    /** The database could not be reached: callers are denied at once with {@code failure} for a while. */
    void failed(IOException failure) {
        down.set(new Down(failure, nanoTime.getAsLong() + RETRY_NANOS));
    }

    /** The database was reached: the outage, if any, is over. */
    void reached() {
        if (down.get() != null) {
            down.set(null);
        }
    }

    /** Whether the database is known to be down. */
    boolean known() {
        return down.get() != null;
    }
}
