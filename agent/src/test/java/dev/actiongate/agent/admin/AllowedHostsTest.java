package dev.actiongate.agent.admin;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AllowedHostsTest {

    @Test
    void loopbackNamesAndAddressesAreAccepted() {
        AllowedHosts hosts = new AllowedHosts("127.0.0.1");
        for (String host : new String[] {
            "localhost",
            "LOCALHOST:9901",
            "localhost.",
            "127.0.0.1",
            "127.0.0.1:9901",
            "127.1.2.3:80",
            "[::1]",
            "[::1]:9901",
            "::1"
        }) {
            assertNull(hosts.refusal(host), host);
        }
    }

    @Test
    void otherNamesAreRefusedAsDnsRebindingWouldSendThem() {
        AllowedHosts hosts = new AllowedHosts("127.0.0.1");
        for (String host : new String[] {
            "evil.example",
            "evil.example:9901",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "10.0.0.5",
            "[::2]",
            "0.0.0.0"
        }) {
            String refusal = hosts.refusal(host);
            assertNotNull(refusal, host);
            assertTrue(refusal.contains("DNS rebinding"), refusal);
        }
        assertTrue(hosts.refusal(null).contains("Host header is required"));
        assertTrue(hosts.refusal(" ").contains("Host header is required"));
    }

    @Test
    void theConfiguredBindAddressIsAccepted() {
        assertNull(new AllowedHosts("10.0.0.5").refusal("10.0.0.5:9901"));
        assertNull(new AllowedHosts("admin.internal").refusal("Admin.Internal:9901"));
        assertNull(new AllowedHosts("::1").refusal("[0:0:0:0:0:0:0:1]:9901"));
        assertNotNull(new AllowedHosts("10.0.0.5").refusal("10.0.0.6"));
    }
}
