package dev.actiongate.agent.fleet;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the fleet's database is known to be unreachable, so that a call that needs it is denied
 * at once rather than after waiting out the pool's connection timeout: with the database down,
 * every held call would otherwise hold its thread for {@link FleetDatabase#CONNECTION_TIMEOUT_MS},
 * and a service under load would slow down for calls that never needed the database.
 *
 * <p>While it is known to be down, a caller probes it with a connection of its own (refused at
 * once by a stopped server), and the first probe that connects ends the outage, so the database is
 * used again from the first call after it is back. Only while another probe is under way (one that
 * waits for an unanswering host, say) is a caller denied without probing, with the failure last seen.
 */
final class Outage {

    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private final AtomicBoolean probing = new AtomicBoolean();

    /** The last failure to reach the database while it is known to be down; {@code null} when it is not. */
    IOException known() {
        return failure.get();
    }

    /** Whether this caller may probe the database now: no other probe is under way. Then {@link #probed} must follow. */
    boolean startProbe() {
        return probing.compareAndSet(false, true);
    }

    /** The probe started by {@link #startProbe} is over. */
    void probed() {
        probing.set(false);
    }

    /** The database could not be reached: callers probe it, or are denied with {@code failure}, until one reaches it. */
    void failed(IOException failure) {
        this.failure.set(failure);
    }

    /** The database was reached: the outage, if any, is over. */
    void reached() {
        if (failure.get() != null) {
            failure.set(null);
        }
    }

    /** How a caller is denied while another probe is under way: the failure last seen, as its own caller was told. */
    static IOException denial(IOException known) {
        return new IOException(known.getMessage(), known);
    }
}
