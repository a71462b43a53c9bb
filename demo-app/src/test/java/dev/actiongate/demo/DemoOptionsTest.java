package dev.actiongate.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void autoApproveAfterTakesMillisecondsSecondsAndMinutes() {
        assertEquals(
                Duration.ofMillis(500),
                DemoOptions.parse("--auto-approve-after", "500ms").autoApproveAfter());
        assertEquals(
                Duration.ofSeconds(3),
                DemoOptions.parse("--auto-approve-after=3s").autoApproveAfter());
        assertEquals(
                Duration.ofMinutes(2),
                DemoOptions.parse("--auto-approve-after", "2m").autoApproveAfter());
        assertEquals("3s", DemoOptions.describe(Duration.ofSeconds(3)));
        assertEquals("500ms", DemoOptions.describe(Duration.ofMillis(500)));
        assertEquals("2m", DemoOptions.describe(Duration.ofMinutes(2)));
    }

    @Test
    void aBadDurationIsAUsageError() {
        for (String bad : new String[] {"3", "3x", "-1s", "1.5s", "s", "3 s", "1h"}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> DemoOptions.parse("--auto-approve-after", bad), bad);
            assertTrue(e.getMessage().contains("500ms, 3s or 2m"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--auto-approve-after"));
    }

    @Test
    void theReviewerDefaultsToASystemOwnerAndNeedsAutoApprove() {
        DemoOptions none = DemoOptions.parse();
        assertNull(none.autoApproveAfter());
        assertEquals("olivia", none.reviewer());
        assertEquals(
                "omar",
                DemoOptions.parse("--auto-approve-after", "1s", "--reviewer", "omar")
                        .reviewer());
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--reviewer", "omar"));
    }

    @Test
    void adminUrlAndTokenFileOverrideTheAgentsSettings() {
        DemoOptions options = DemoOptions.parse("--admin-url", "http://127.0.0.1:9000/", "--token-file", "t.txt");
        assertEquals(URI.create("http://127.0.0.1:9000"), options.adminUrl());
        assertEquals(Path.of("t.txt"), options.tokenFile());
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--admin-url", "ftp://x"));
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--admin-url", "127.0.0.1:9000"));
    }
}
