package dev.actiongate.agent.fleet;

import dev.actiongate.agent.digest.Sha256;
import dev.actiongate.agent.escalation.EventCounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events counted across the fleet ({@code actiongate_events}), in the database's time so that
 * instances' clocks cannot split a window. Each event is one statement; a database that cannot
 * be reached is an {@link UncheckedIOException} naming it, and the gate denies the call it was
 * counting for.
 *
 * <p>Under a policy that escalates, every call asks for its key's count, and almost every key
 * has none. So a key the database counted no events for is remembered as empty (for that window
 * and any shorter one: events only age out of a window, so none can appear but by an add), and
 * its next count costs no round trip. Every add announces its key ({@code NOTIFY
 * actiongate_events}), which {@link FleetNotices} hands to {@link #changed}; while those notices
 * do not flow (the listening connection is down) nothing is remembered and every count asks the
 * database. A count that races a notice is not remembered, so the memory is never older than the
 * last notice it heard of.
 */
final class FleetCounter implements EventCounter {

    /** The channel every instance announces a counted event's key on. */
    static final String CHANNEL = "actiongate_events";

    /** Past this many keys the memory starts afresh: it saves round trips, it holds nothing. */
    private static final int MOST_REMEMBERED = 10_000;

    private final FleetDatabase database;
    private final String service;
    private final String instance;
    /** Keys (as the table keeps them) known to have no events within the window (ms) they map to. */
    private final Map<String, Long> knownEmpty = new ConcurrentHashMap<>();
    /** Counts every change that could make a key remembered as empty have events. */
    private final AtomicLong changes = new AtomicLong();

    /** How long after the listening connection last answered its notices are trusted to be complete. */
    private static final long TRUSTED_NANOS = 3_000_000_000L;

    private volatile boolean noticed;
    /** When the listening connection last answered, in {@link System#nanoTime()}. */
    private volatile long heardAt;

    FleetCounter(FleetDatabase database, String service, String instance) {
        this.database = database;
        this.service = service;
        this.instance = instance;
    }

    @Override
    public int count(String key, Duration window) {
        String column = column(key);
        long windowMillis = window.toMillis();
        boolean trusted = trusted();
        if (trusted) {
            Long empty = knownEmpty.get(column);
            if (empty != null && empty >= windowMillis) {
                return 0;
            }
        }
        long before = changes.get();
        int count = countInDatabase(column, windowMillis);
        if (count == 0 && trusted && changes.get() == before) {
            if (knownEmpty.size() >= MOST_REMEMBERED) {
                knownEmpty.clear();
            }
            knownEmpty.merge(column, windowMillis, Math::max);
        }
        return count;
    }

    /**
     * Whether notices of other instances' events reach this one; when they stop, or start again
     * after a gap in which some were lost, what was remembered is forgotten.
     */
    void noticed(boolean flowing) {
        if (!flowing) {
            noticed = false;
        }
        changes.incrementAndGet();
        knownEmpty.clear();
        noticed = flowing;
    }

    /**
     * The listening connection answered just now: notices sent before this reached it. A
     * connection that stops answering without failing (a network partition) is trusted for a
     * few seconds only, after which every count asks the database again.
     */
    void heard() {
        heardAt = System.nanoTime();
    }

    private boolean trusted() {
        return noticed && System.nanoTime() - heardAt < TRUSTED_NANOS;
    }

    /** An event was counted for {@code column} (a key as the table keeps it), here or on another instance. */
    void changed(String column) {
        changes.incrementAndGet();
        knownEmpty.remove(column);
    }

    private int countInDatabase(String column, long windowMillis) {
        try {
            return database.inTransaction("counting denials toward escalation", c -> {
                try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM actiongate_events"
                        + " WHERE service = ? AND key = ? AND at > clock_timestamp() - ? * interval '1 millisecond'")) {
                    count.setString(1, service);
                    count.setString(2, column);
                    count.setLong(3, windowMillis);
                    try (ResultSet result = count.executeQuery()) {
                        result.next();
                        return result.getInt(1);
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void add(String key, Duration window) {
        String column = column(key);
        changed(column);
        try {
            database.inTransaction("counting a denial toward escalation", c -> {
                try (PreparedStatement add = c.prepareStatement("INSERT INTO actiongate_events"
                        + " (service, key, at, keep_until, instance) VALUES (?, ?, clock_timestamp(),"
                        + " clock_timestamp() + ? * interval '1 millisecond', ?)")) {
                    add.setString(1, service);
                    add.setString(2, column);
                    add.setLong(3, window.toMillis());
                    add.setString(4, instance);
                    add.executeUpdate();
                }
                // Delivered to every listening instance when the transaction commits.
                try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                    notify.setString(1, CHANNEL);
                    notify.setString(2, column);
                    notify.execute();
                }
                return null;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            // Again after the commit: a count between the first and the commit may have remembered the key.
            changed(column);
        }
    }

    /**
     * The key as the table keeps it: its SHA-256. A key joins its parts (actor, action, tenant)
     * with NUL, which PostgreSQL text cannot hold, and any other separator could be forged by an
     * actor's name to land in another's count.
     */
    static String column(String key) {
        return Sha256.hex(Sha256.of(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** Deletes events no window needs any more; returns how many. */
    int forgetOld() throws IOException {
        return database.inTransaction("forgetting old events", c -> {
            try (PreparedStatement delete =
                    c.prepareStatement("DELETE FROM actiongate_events WHERE keep_until < clock_timestamp()")) {
                return delete.executeUpdate();
            }
        });
    }
}
