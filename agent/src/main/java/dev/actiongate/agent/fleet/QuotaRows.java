package dev.actiongate.agent.fleet;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The fleet's quota budgets in {@code actiongate_quotas}: a lease is one short transaction that
 * locks the window's row (creating it when it is the window's first), grants what
 * {@link QuotaLeases#grant} allows and adds it to {@code leased}. The window is the database's,
 * so that instances' clocks cannot split it.
 */
final class QuotaRows implements QuotaLeases.Source {

    /** Creates the current window's row or locks it, and says how much of it is leased. */
    private static final String LOCK_WINDOW = "WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM"
            + " clock_timestamp()) * 1000 / ?) * ? / 1000.0) AS start)"
            + " INSERT INTO actiongate_quotas (service, limit_id, key, per_ms, window_start, window_end, leased)"
            + " SELECT ?, ?, ?, ?, w.start, w.start + ? * interval '1 millisecond', 0 FROM w"
            + " ON CONFLICT (service, limit_id, key, per_ms, window_start)"
            + " DO UPDATE SET leased = actiongate_quotas.leased"
            + " RETURNING leased, window_start, (extract(epoch FROM window_end - clock_timestamp()) * 1000)::bigint";

    private static final String WHERE_ROW =
            " WHERE service = ? AND limit_id = ? AND key = ? AND per_ms = ? AND window_start = ?";

    private final FleetDatabase database;
    private final String service;

    QuotaRows(FleetDatabase database, String service) {
        this.database = database;
        this.service = service;
    }

    @Override
    public QuotaLeases.Lease lease(String limitId, String key, long need, long share, long max, Duration window)
            throws IOException {
        long perMillis = window.toMillis();
        return database.inTransaction("leasing from limit '" + limitId + "'", c -> {
            long leased;
            OffsetDateTime start;
            long remaining;
            try (PreparedStatement lock = c.prepareStatement(LOCK_WINDOW)) {
                lock.setLong(1, perMillis);
                lock.setLong(2, perMillis);
                lock.setString(3, service);
                lock.setString(4, limitId);
                lock.setString(5, FleetCounter.column(key));
                lock.setLong(6, perMillis);
                lock.setLong(7, perMillis);
                try (ResultSet row = lock.executeQuery()) {
                    row.next();
                    leased = row.getLong(1);
                    start = row.getObject(2, OffsetDateTime.class);
                    remaining = Math.max(0, row.getLong(3));
                }
            }
            long granted = QuotaLeases.grant(leased, need, share, max);
            if (granted > 0) {
                update(c, "UPDATE actiongate_quotas SET leased = leased + ?", granted, limitId, key, perMillis, start);
            }
            return new QuotaLeases.Lease(start.toInstant(), remaining, granted, leased);
        });
    }

    @Override
    public void giveBack(String limitId, String key, Duration window, Instant windowStart, long unused)
            throws IOException {
        database.inTransaction("returning an unused lease of limit '" + limitId + "'", c -> {
            update(
                    c,
                    "UPDATE actiongate_quotas SET leased = greatest(leased - ?, 0)",
                    unused,
                    limitId,
                    key,
                    window.toMillis(),
                    windowStart.atOffset(ZoneOffset.UTC));
            return null;
        });
    }

    private void update(
            Connection c, String set, long amount, String limitId, String key, long perMillis, OffsetDateTime start)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement(set + WHERE_ROW)) {
            update.setLong(1, amount);
            update.setString(2, service);
            update.setString(3, limitId);
            update.setString(4, FleetCounter.column(key));
            update.setLong(5, perMillis);
            update.setObject(6, start);
            update.executeUpdate();
        }
    }

    /** Deletes the rows of windows that ended more than a minute ago; returns how many. */
    int forgetOld() throws IOException {
        return database.inTransaction("forgetting old quota windows", c -> {
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM actiongate_quotas" + " WHERE window_end < clock_timestamp() - interval '1 minute'")) {
                return delete.executeUpdate();
            }
        });
    }
}
