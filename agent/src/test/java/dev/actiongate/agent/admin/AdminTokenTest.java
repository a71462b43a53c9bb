package dev.actiongate.agent.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.config.AgentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

    private static final String LONG = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private static AgentConfig.Admin inline(String token) {
        return new AgentConfig.Admin(0, "127.0.0.1", token, null, null);
    }

    private static AgentConfig.Admin file(Path file) {
        return new AgentConfig.Admin(0, "127.0.0.1", null, file, null);
    }

    private Path tokenFile(String token, String permissions) throws IOException {
        Path file = Files.writeString(dir.resolve("token"), token + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    @Test
    void aTokenShorterThan32CharactersIsRefusedSayingWhatToDo() {
        IOException e = assertThrows(IOException.class, () -> AdminToken.of(inline("s3cret-token")));
        assertTrue(e.getMessage().contains("admin_token is 12 characters"), e.getMessage());
        assertTrue(e.getMessage().contains("at least 32"), e.getMessage());
        assertThrows(IOException.class, () -> AdminToken.of(inline(LONG.substring(1))));
    }

    @Test
    void aTokenOf32CharactersOrMoreIsTaken() throws IOException {
        assertEquals(LONG, AdminToken.of(inline(LONG)));
        assertEquals(LONG, AdminToken.of(file(tokenFile(LONG, "rw-------"))));
        assertEquals(LONG, AdminToken.of(file(tokenFile(LONG, "r--------"))));
    }

    @Test
    void aTokenFileThatGroupOrOthersCanReadOrWriteIsRefusedLikeAnSshKey() throws IOException {
        for (String open : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----"}) {
            Path file = tokenFile(LONG, open);
            IOException e = assertThrows(IOException.class, () -> AdminToken.of(file(file)), open);
            assertTrue(e.getMessage().contains("permissions " + open), e.getMessage());
            assertTrue(e.getMessage().contains("too open"), e.getMessage());
            assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
        }
    }

    @Test
    void aShortTokenInAPrivateFileIsRefusedToo() throws IOException {
        Path file = tokenFile("short", "rw-------");
        IOException e = assertThrows(IOException.class, () -> AdminToken.of(file(file)));
        assertTrue(e.getMessage().contains("admin_token_file " + file + " is 5 characters"), e.getMessage());
    }

    @Test
    void aMissingFileIsCreatedOwnerOnlyWithATokenThatPassesItsOwnChecks() throws IOException {
        Path file = dir.resolve("sub/token");
        String token = AdminToken.of(file(file));
        assertEquals(43, token.length());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(token, AdminToken.of(file(file)), "read back as it was written");
    }
}
