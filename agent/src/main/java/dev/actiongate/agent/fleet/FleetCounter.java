package dev.actiongate.agent.fleet;

import dev.actiongate.agent.digest.Sha256;
import dev.actiongate.agent.escalation.EventCounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

/**
 * Events counted across the fleet ({@code actiongate_events}), in the database's time so that
 * instances' clocks cannot split a window. Each count and each event is one statement; a
 * database that cannot be reached is an {@link UncheckedIOException} naming it, and the gate
 * denies the call it was counting for.
 */
final class FleetCounter implements EventCounter {

    private final FleetDatabase database;
    private final String service;
    private final String instance;

    FleetCounter(FleetDatabase database, String service, String instance) {
        this.database = database;
        this.service = service;
        this.instance = instance;
    }

    @Override
    public int count(String key, Duration window) {
        try {
            return database.inTransaction("counting denials toward escalation", c -> {
                try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM actiongate_events"
                        + " WHERE service = ? AND key = ? AND at > clock_timestamp() - ? * interval '1 millisecond'")) {
                    count.setString(1, service);
                    count.setString(2, column(key));
                    count.setLong(3, window.toMillis());
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
        try {
            database.inTransaction("counting a denial toward escalation", c -> {
                try (PreparedStatement add = c.prepareStatement("INSERT INTO actiongate_events"
                        + " (service, key, at, keep_until, instance) VALUES (?, ?, clock_timestamp(),"
                        + " clock_timestamp() + ? * interval '1 millisecond', ?)")) {
                    add.setString(1, service);
                    add.setString(2, column(key));
                    add.setLong(3, window.toMillis());
                    add.setString(4, instance);
                    add.executeUpdate();
                }
                return null;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
