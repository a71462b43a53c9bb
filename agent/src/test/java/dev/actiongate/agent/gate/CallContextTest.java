package dev.actiongate.agent.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallContextTest {

    private final List<String> warnings = new ArrayList<>();
    private final DeploymentEnvironment production = new DeploymentEnvironment("production", warnings::add);

    private static CallContext claiming(String environment) {
        ApplicationApi.Scope scope =
                new ApplicationApi.Scope("bot", null, "acme", "ticket 1", environment, null, Map.of());
        return CallContext.of(scope, Map.of(), ApplicationSlf4j.NONE);
    }

    @Test
    void aConfiguredEnvironmentOverridesTheScopesClaimAndKeepsIt() {
        CallContext decided = production.apply(claiming("staging"), "send");
        assertEquals("production", decided.environment());
        assertEquals("staging", decided.callerEnvironment());
        assertEquals("bot", decided.actor());
        assertEquals("acme", decided.tenant());
        assertEquals("ticket 1", decided.reason());
    }

    @Test
    void aClaimThatAgreesOrNoClaimAtAllIsNoMismatch() {
        CallContext agreeing = claiming("production");
        assertSame(agreeing, production.apply(agreeing, "send"), "no copy on the allowed path");
        CallContext none = production.apply(claiming(null), "send");
        assertEquals("production", none.environment());
        assertNull(none.callerEnvironment());
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void withoutAConfiguredEnvironmentTheScopeStands() {
        CallContext context = claiming("staging");
        assertSame(context, DeploymentEnvironment.UNPINNED.apply(context, "send"));
        assertEquals("staging", context.environment());
        assertNull(context.callerEnvironment());
    }

    @Test
    void warnsOncePerDistinctClaim() {
        production.apply(claiming("staging"), "send");
        production.apply(claiming("staging"), "refund");
        production.apply(claiming("dev"), "send");
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("'staging'") && warnings.get(0).contains("'production'"), warnings.get(0));
        assertTrue(warnings.get(1).contains("'dev'"), warnings.get(1));
    }

    @Test
    void stopsWarningAfterManyDistinctClaimsButStillOverrides() {
        for (int i = 0; i < DeploymentEnvironment.MAX_WARNED_CLAIMS + 10; i++) {
            CallContext decided = production.apply(claiming("env-" + i), "send");
            assertEquals("production", decided.environment());
            assertEquals("env-" + i, decided.callerEnvironment());
        }
        assertEquals(DeploymentEnvironment.MAX_WARNED_CLAIMS + 1, warnings.size());
        assertTrue(warnings.get(warnings.size() - 1).contains("further claims are not logged"));
    }
}
