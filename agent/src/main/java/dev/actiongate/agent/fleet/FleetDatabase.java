package dev.actiongate.agent.fleet;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.actiongate.agent.config.AgentConfig;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL database a fleet of agents shares: a small connection pool, a separate
 * connection for notifications, and the schema, migrated on first use. Every failure to reach
 * it is an {@link IOException} whose message names the database (never its password) and the
 * cause, so that a call that needs it is denied with exactly that.
 */
public final class FleetDatabase implements Closeable {

    /** How long a call waits for a connection before it is denied: a database that is down must not hold callers. */
    static final long CONNECTION_TIMEOUT_MS = 2_000;

    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&]*");

    private final String shown;
    private final PGSimpleDataSource direct;
    /** {@code null} for a command ({@link #openForCommand}): a connection per transaction. */
    private final HikariDataSource pool;

    private volatile int schemaVersion;
    private final Outage outage = new Outage();

    private FleetDatabase(String url, PGSimpleDataSource direct, HikariDataSource pool) {
        this.shown = PASSWORD_IN_URL.matcher(url).replaceAll("$1***");
        this.direct = direct;
        this.pool = pool;
    }

    /**
     * Prepares the pool for {@code store}; connects lazily, so that a database that is down at
     * start delays nothing but the calls that need it.
     *
     * @throws IOException when the URL is not a PostgreSQL JDBC URL or the password file is unusable
     */
    public static FleetDatabase open(AgentConfig.Store store, String service, String instance, Map<String, String> env)
            throws IOException {
        PGSimpleDataSource direct = dataSource(store, service, instance, env);
        direct.setConnectTimeout((int) (CONNECTION_TIMEOUT_MS / 1000));
        direct.setLoginTimeout((int) (CONNECTION_TIMEOUT_MS / 1000));
        // A query the database stops answering must not hold a governed call forever.
        direct.setSocketTimeout(10);

        HikariConfig config = new HikariConfig();
        config.setPoolName("actiongate-fleet");
        config.setDataSource(direct);
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        config.setValidationTimeout(1_000);
        // Never fail here: the database may come up after the service.
        config.setInitializationFailTimeout(-1);
        return new FleetDatabase(store.url(), direct, new HikariDataSource(config));
    }

    /**
     * The database for a command run by hand or by a job ({@code verify --store}): no pool, a
     * connection per transaction, so that a database nobody listens on is reported at once (a pool
     * would retry until its timeout), while one that is slow to answer under load is waited for
     * (30 s to connect, 5 min for a query over many records) rather than reported unreachable
     * after a governed call's 2 s.
     */
    public static FleetDatabase openForCommand(AgentConfig.Store store, String command, Map<String, String> env)
            throws IOException {
        PGSimpleDataSource direct = dataSource(store, command, command, env);
        direct.setConnectTimeout(30);
        direct.setLoginTimeout(30);
        direct.setSocketTimeout(300);
        return new FleetDatabase(store.url(), direct, null);
    }

    /** The driver's data source for {@code store}, with its credentials, but no timeouts yet. */
    private static PGSimpleDataSource dataSource(
            AgentConfig.Store store, String service, String instance, Map<String, String> env) throws IOException {
        String url = store.url();
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IOException("store=" + url + " is neither 'file' nor a PostgreSQL JDBC URL"
                    + " (jdbc:postgresql://host:5432/database)");
        }
        PGSimpleDataSource direct = new PGSimpleDataSource();
        try {
            direct.setURL(url);
        } catch (IllegalArgumentException e) {
            throw new IOException("store=" + url + " is not a valid PostgreSQL JDBC URL: " + e.getMessage(), e);
        }
        String user = store.user() != null ? store.user() : env.get("PGUSER");
        if (user != null) {
            direct.setUser(user);
        }
        String password = store.passwordFile() != null ? password(store.passwordFile()) : env.get("PGPASSWORD");
        if (password != null) {
            direct.setPassword(password);
        }
        direct.setApplicationName("actiongate " + service + " " + instance);
        direct.setTcpKeepAlive(true);
        return direct;
    }

    /** The database as messages and logs name it: the URL, any password in it masked. */
    public String describe() {
        return shown;
    }

    /** The schema version in force, once migrated; 0 before. */
    public int schemaVersion() {
        return schemaVersion;
    }

    /**
     * A pooled connection, the schema migrated first if it was not yet. While the database is
     * known to be down, a caller first probes it ({@link Outage}).
     *
     * @throws IOException naming the database and why it cannot be reached
     */
    Connection connection() throws IOException {
        if (outage.known() != null) {
            probe();
        }
        Connection connection;
        try {
            connection = pool != null ? pool.getConnection() : direct.getConnection();
        } catch (SQLException e) {
            IOException failure = unreachable(e);
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                // The pool could not connect (it passes the driver's SQLSTATE on), not merely
                // found every connection busy: the database is down or cut off.
                outage.failed(failure);
            }
            throw failure;
        }
        outage.reached();
        if (schemaVersion == 0) {
            try {
                schemaVersion = SchemaMigrations.migrate(connection);
            } catch (SQLException | IOException e) {
                closeQuietly(connection);
                throw new IOException("fleet store " + shown + ": its schema could not be migrated: " + e, e);
            }
        }
        return connection;
    }

    /**
     * Returns once a connection of its own reached the database, which ends the outage; throws
     * the failure when it did not, or the last one seen when another caller probes right now.
     */
    private void probe() throws IOException {
        IOException known = outage.known();
        if (known == null) {
            return;
        }
        if (!outage.startProbe()) {
            throw Outage.denial(known);
        }
        try {
            direct.getConnection().close();
            outage.reached();
        } catch (SQLException e) {
            IOException failure = unreachable(e);
            outage.failed(failure);
            throw failure;
        } finally {
            outage.probed();
        }
    }

    /** Whether the database is known to be down: a call that needs it probes it first. */
    boolean knownDown() {
        return outage.known() != null;
    }

    /** Work done in one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    /**
     * Runs {@code work} in one transaction, committed when it returns and rolled back when it
     * throws; {@code what} names it in the failure.
     */
    <T> T inTransaction(String what, Work<T> work) throws IOException {
        Connection connection = connection();
        try {
            connection.setAutoCommit(false);
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw failed(what, e);
        } catch (IOException | RuntimeException e) {
            rollbackQuietly(connection);
            throw e;
        } finally {
            closeQuietly(connection);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // a connection that cannot roll back is discarded by the pool; the transaction dies with it
        }
    }

    /** A connection of its own, outside the pool, for a listener that holds it for as long as it lives. */
    Connection dedicated() throws IOException {
        try {
            return direct.getConnection();
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    /** The same failure as calls report it: which database, and why. */
    IOException failed(String what, SQLException e) {
        // SQLSTATE class 08: the connection failed or broke, the database is down or cut off.
        if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
            return new IOException("fleet store " + shown + " cannot be reached (" + what + "): " + e.getMessage(), e);
        }
        return new IOException("fleet store " + shown + ": " + what + " failed: " + e.getMessage(), e);
    }

    private IOException unreachable(SQLException e) {
        return new IOException("fleet store " + shown + " cannot be reached: " + e.getMessage(), e);
    }

    static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the pool replaces a broken connection
        }
    }

    /**
     * The password in {@code file}: owner-only, as ssh keeps keys, since it opens the fleet's
     * approvals and records.
     */
    private static String password(Path file) throws IOException {
        Set<PosixFilePermission> open = EnumSet.of(
                PosixFilePermission.GROUP_READ,
                PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OTHERS_WRITE);
        try {
            open.retainAll(Files.getPosixFilePermissions(file));
        } catch (UnsupportedOperationException notPosix) {
            open.clear();
        } catch (IOException e) {
            throw new IOException(AgentConfig.STORE_PASSWORD_FILE + " " + file + " cannot be read: " + e, e);
        }
        if (!open.isEmpty()) {
            throw new IOException(AgentConfig.STORE_PASSWORD_FILE + " " + file + " may be read or written by group"
                    + " or others; the fleet store is not used until it is owner-only (chmod 600 " + file + ")");
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    public String toString() {
        return "FleetDatabase[" + shown + ", schema " + schemaVersion + "]";
    }
}
