package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster on a loopback port, from the machine's own PostgreSQL binaries
 * (Debian's {@code postgresql} package, which {@code .ci/run} installs when it is missing). As
 * root, the server runs as the {@code postgres} user, since PostgreSQL refuses to run as root.
 * Stopped and started again by fault tests; {@link #close} removes it.
 */
public final class PostgresServer implements AutoCloseable {

    private final Path bin;
    private final Path data;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresServer(Path bin, Path data, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /**
     * Creates and starts a cluster in a new folder of its own under the temporary folder (a
     * test's folder may not be reachable by the {@code postgres} user).
     */
    public static PostgresServer start() throws Exception {
        Path bin = binaries();
        Path data = Files.createTempDirectory("actiongate-pg");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", data.toString()), false);
        }
        PostgresServer server = new PostgresServer(bin, data.resolve("cluster"), freePort(), root);
        server.command(List.of(
                bin.resolve("initdb").toString(),
                "-D",
                server.data.toString(),
                "-U",
                "actiongate",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync"));
        server.startServer();
        return server;
    }

    /** The JDBC URL of database {@code name}, created if it does not exist. */
    public String database(String name) throws SQLException {
        try (Connection admin = DriverManager.getConnection(url("postgres"), "actiongate", "");
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A connection to {@code database} as the cluster's superuser, for checking what the agents wrote. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), "actiongate", "");
    }

    /** Starts the server again after {@link #stop}, on the same port. */
    public void startServer() throws Exception {
        command(List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-l",
                data.resolveSibling("server.log").toString(),
                "-w",
                "-t",
                "60",
                "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -k " + data.getParent()
                        + " -c fsync=off -c full_page_writes=off -c max_connections=100",
                "start"));
    }

    /** Stops the server at once, as a crash or a network cut would look to its clients. */
    public void stop() throws Exception {
        command(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (Exception | AssertionError alreadyStopped) {
            if (alreadyStopped instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // else a test that stopped it and failed before starting it again
        }
        try {
            run(List.of("rm", "-rf", data.getParent().toString()), false);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("could not remove " + data.getParent(), e);
        }
    }

    private void command(List<String> command) throws Exception {
        run(command, asPostgresUser);
    }

    private static void run(List<String> command, boolean asPostgresUser) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            fail(String.join(" ", full) + " failed:\n" + output);
        }
    }

    /** The newest PostgreSQL under /usr/lib/postgresql, or $PG_BIN. */
    private static Path binaries() throws IOException {
        String configured = System.getenv("PG_BIN");
        if (configured != null && Files.isExecutable(Path.of(configured, "initdb"))) {
            return Path.of(configured);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var newest = versions.map(version -> version.resolve("bin"))
                        .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                        .max(Comparator.comparing(bin -> Integer.parseInt(
                                bin.getParent().getFileName().toString().replaceAll("\\D", "0"))));
                if (newest.isPresent()) {
                    return newest.get();
                }
            }
        }
        return fail("no PostgreSQL server binaries: install Debian's postgresql package (bash .ci/run does) or"
                + " set PG_BIN to the folder holding initdb and pg_ctl");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
