package dev.actiongate.agent.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The fleet schema's versioned migrations, plain SQL files applied in order, each once, and
 * the version each instance finds. Instances starting together take an advisory lock, so that
 * one migrates and the others find it done; a migration that fails leaves nothing half applied.
 */
final class SchemaMigrations {

    /** In order; the nth is version n. Never edit one that has shipped: add the next. */
    static final List<String> MIGRATIONS =
            List.of("V1__approvals_and_counters.sql", "V2__decision_records.sql", "V3__quotas.sql");

    /** Any constant shared by every instance: two migrations never run at once. */
    private static final long LOCK = 0x4163_7469_6f6e_4761L;

    private SchemaMigrations() {}

    /** Brings the schema to the newest version this agent knows; returns the version in force. */
    static int migrate(Connection connection) throws SQLException, IOException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            statement.execute("CREATE TABLE IF NOT EXISTS actiongate_schema (version integer PRIMARY KEY,"
                    + " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())");
            int current = current(statement);
            for (int version = current + 1; version <= MIGRATIONS.size(); version++) {
                String name = MIGRATIONS.get(version - 1);
                statement.execute(script(name));
                try (PreparedStatement applied =
                        connection.prepareStatement("INSERT INTO actiongate_schema (version, name) VALUES (?, ?)")) {
                    applied.setInt(1, version);
                    applied.setString(2, name);
                    applied.executeUpdate();
                }
            }
            connection.commit();
            if (current > MIGRATIONS.size()) {
                LoggerFactory.getLogger("actiongate")
                        .warn(
                                "the fleet schema is at version {}, newer than this agent's {}: an agent of a newer"
                                        + " version migrated it; this one uses it as it finds it",
                                current,
                                MIGRATIONS.size());
            }
            return Math.max(current, MIGRATIONS.size());
        } catch (SQLException | IOException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static int current(Statement statement) throws SQLException {
        try (ResultSet result = statement.executeQuery("SELECT coalesce(max(version), 0) FROM actiongate_schema")) {
            result.next();
            return result.getInt(1);
        }
    }

    private static String script(String name) throws IOException {
        try (InputStream in = SchemaMigrations.class.getResourceAsStream("schema/" + name)) {
            if (in == null) {
                throw new IOException("migration " + name + " is missing from the agent jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
