package dev.actiongate.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminApiTest {

    private static final DemoOptions DEFAULTS = DemoOptions.parse();

    @TempDir
    Path dir;

    @Test
    void noPortMeansNoAdminApi() {
        assertTrue(AdminApi.Settings.resolve(DEFAULTS, "policy=p.yaml", Map.of(), Map.of())
                .isEmpty());
        // The agent leaves its API off on a port that is not one.
        assertTrue(AdminApi.Settings.resolve(DEFAULTS, null, Map.of("actiongate.admin_port", "http"), Map.of())
                .isEmpty());
    }

    @Test
    void foundAsTheAgentFindsItAgentArgumentsFirst() {
        AdminApi.Settings settings = AdminApi.Settings.resolve(
                        DEFAULTS,
                        "policy=p.yaml,admin_port=9001",
                        Map.of("actiongate.admin_port", "9002", "actiongate.admin_token_file", "prop-token"),
                        Map.of("ACTIONGATE_ADMIN_TOKEN_FILE", "env-token", "ACTIONGATE_ADMIN_BIND", "0.0.0.0"))
                .orElseThrow();
        assertEquals(URI.create("http://127.0.0.1:9001"), settings.url());
        assertEquals(Path.of("prop-token"), settings.tokenFile());
        assertNull(settings.token());

        AdminApi.Settings fromEnvironment = AdminApi.Settings.resolve(
                        DEFAULTS,
                        null,
                        Map.of(),
                        Map.of(
                                "ACTIONGATE_ADMIN_PORT",
                                "9003",
                                "ACTIONGATE_ADMIN_TOKEN",
                                "secret",
                                "ACTIONGATE_ADMIN_BIND",
                                "::1"))
                .orElseThrow();
        assertEquals(URI.create("http://[::1]:9003"), fromEnvironment.url());
        assertEquals("secret", fromEnvironment.token());
    }

    @Test
    void theDemosOptionsOverrideTheAgentsSettings() {
        DemoOptions options = DemoOptions.parse("--admin-url", "http://localhost:7000", "--token-file", "mine");
        AdminApi.Settings settings = AdminApi.Settings.resolve(
                        options,
                        null,
                        Map.of("actiongate.admin_port", "9002", "actiongate.admin_token", "theirs"),
                        Map.of())
                .orElseThrow();
        assertEquals(URI.create("http://localhost:7000"), settings.url());
        assertEquals(Path.of("mine"), settings.tokenFile());
        assertNull(settings.token(), "--token-file wins over the agent's admin_token");
    }

    @Test
    void anEphemeralPortCannotBeFound() {
        Optional<AdminApi.Settings> settings = AdminApi.Settings.resolve(
                DEFAULTS, null, Map.of("actiongate.admin_port", "0", "actiongate.admin_token", "t"), Map.of());
        assertTrue(settings.isPresent());
        assertNull(settings.get().url());
    }

    @Test
    void aTokenFileCountsOnceTheAgentHasWrittenIt() throws IOException {
        Path file = dir.resolve("admin-token");
        AdminApi.Settings settings = new AdminApi.Settings(URI.create("http://127.0.0.1:1"), null, file);
        assertTrue(settings.readToken().isEmpty(), "not created yet");
        Files.createFile(file);
        assertTrue(settings.readToken().isEmpty(), "created, not written yet");
        Files.writeString(file, "abc\n");
        assertEquals(Optional.of("abc"), settings.readToken());
    }
}
