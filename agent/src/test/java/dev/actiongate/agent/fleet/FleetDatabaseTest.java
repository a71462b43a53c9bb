package dev.actiongate.agent.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.config.AgentConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the fleet store refuses before it ever connects, and how it names a database it cannot reach. */
class FleetDatabaseTest {

    @TempDir
    Path dir;

    private static AgentConfig.Store store(String url, Path passwordFile) {
        return new AgentConfig.Store(url, "actiongate", passwordFile, "a");
    }

    @Test
    void aStoreThatIsNotAPostgresUrlIsRefusedNamingIt() {
        IOException refused = assertThrows(
                IOException.class, () -> FleetDatabase.open(store("jdbc:mysql://db/x", null), "mail", "a", Map.of()));
        assertTrue(
                refused.getMessage().contains("store=jdbc:mysql://db/x is neither 'file' nor a PostgreSQL JDBC URL"),
                refused.getMessage());
    }

    @Test
    void aPasswordFileOthersMayReadIsRefused() throws IOException {
        Path password = Files.writeString(dir.resolve("pw"), "secret\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-r--r--"));
        IOException refused = assertThrows(
                IOException.class,
                () -> FleetDatabase.open(store("jdbc:postgresql://127.0.0.1/x", password), "mail", "a", Map.of()));
        assertTrue(refused.getMessage().contains("chmod 600 " + password), refused.getMessage());
    }

    @Test
    void aPasswordInTheUrlIsNeverShown() throws IOException {
        try (FleetDatabase database = FleetDatabase.open(
                store("jdbc:postgresql://127.0.0.1:1/x?user=u&password=hunter2", null), "mail", "a", Map.of())) {
            assertFalse(database.describe().contains("hunter2"), database.describe());
            assertEquals("jdbc:postgresql://127.0.0.1:1/x?user=u&password=***", database.describe());
        }
    }

    @Test
    void aDatabaseNobodyListensOnIsNamedAsUnreachableWithinTheConnectionTimeout() throws IOException {
        String url = urlNobodyListensOn();
        try (FleetDatabase database = FleetDatabase.open(store(url, null), "mail", "a", Map.of())) {
            long start = System.nanoTime();
            IOException down = assertThrows(IOException.class, database::connection);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(down.getMessage().startsWith("fleet store " + url + " cannot be reached"), down.getMessage());
            assertTrue(
                    tookMillis < FleetDatabase.CONNECTION_TIMEOUT_MS + 3_000,
                    "a call waited " + tookMillis + " ms for a database that is down");
            assertTrue(database.knownDown(), "the pool's failure is the driver's: a connection failure");

            // Known to be down: the next call probes with a connection of its own, which a port
            // nobody listens on refuses at once, instead of waiting for the pool again.
            long again = System.nanoTime();
            IOException still = assertThrows(IOException.class, database::connection);
            long againMillis = (System.nanoTime() - again) / 1_000_000;
            assertTrue(still.getMessage().startsWith("fleet store " + url + " cannot be reached"), still.getMessage());
            assertTrue(
                    againMillis < FleetDatabase.CONNECTION_TIMEOUT_MS,
                    "a call waited " + againMillis + " ms for a database known to be down");
        }
    }

    @Test
    void aCommandIsToldAtOnceThatNobodyListensWhereItsStorePoints() throws IOException {
        String url = urlNobodyListensOn();
        try (FleetDatabase database = FleetDatabase.openForCommand(store(url, null), "verify", Map.of())) {
            long start = System.nanoTime();
            IOException down = assertThrows(IOException.class, database::connection);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(down.getMessage().startsWith("fleet store " + url + " cannot be reached"), down.getMessage());
            // No pool retrying until its timeout: the refused connection is the answer.
            assertTrue(tookMillis < FleetDatabase.CONNECTION_TIMEOUT_MS, "verify waited " + tookMillis + " ms");
        }
    }

    /** A store URL on a loopback port that was free a moment ago: a connection to it is refused. */
    private static String urlNobodyListensOn() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "jdbc:postgresql://127.0.0.1:" + socket.getLocalPort() + "/actiongate";
        }
    }
}
