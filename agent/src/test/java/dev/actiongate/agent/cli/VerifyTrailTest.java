package dev.actiongate.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify --checkpoints} with a trail it cannot read says which and why, and verifies
 * nothing rather than report a file as complete without the trail it was asked to use.
 */
class VerifyTrailTest {

    private static final String KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void aFleetStoreThatCannotBeReachedIsExit2NamingIt() throws Exception {
        Path records = Files.writeString(dir.resolve("records.jsonl"), "");
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/actiongate";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(
                new String[] {"verify", "--key", KEY, "--checkpoints", url, "--store-user", "nobody", records.toString()
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, exit, said);
        assertTrue(said.startsWith("verify: the checkpoint trail " + url + " cannot be read: "), said);
        assertTrue(said.contains("cannot be reached"), said);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "no file is reported on without its trail");
    }

    @Test
    void aTrailFileThatIsMissingIsExit2NamingIt() throws Exception {
        Path records = Files.writeString(dir.resolve("records.jsonl"), "");
        Path trail = dir.resolve("no-such-trail.log");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(
                new String[] {"verify", "--key", KEY, "--checkpoints", trail.toString(), records.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, exit, said);
        assertTrue(said.startsWith("verify: the checkpoint trail " + trail + " cannot be read: "), said);
    }

    /** A loopback port nothing listens on: bound, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
