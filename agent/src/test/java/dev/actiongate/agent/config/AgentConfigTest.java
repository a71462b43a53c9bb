package dev.actiongate.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

    @Test
    void agentArgumentsBeatSystemPropertiesBeatEnvironmentBeatDefaults() {
        AgentConfig config = AgentConfig.resolve(
                "policy=/args.yaml",
                Map.of("actiongate.policy", "/prop.yaml", "actiongate.environment", "staging"),
                Map.of(
                        "ACTIONGATE_POLICY",
                        "/env.yaml",
                        "ACTIONGATE_ENVIRONMENT",
                        "prod",
                        "ACTIONGATE_SERVICE",
                        "svc"));
        assertEquals(Path.of("/args.yaml"), config.policy());
        assertEquals("staging", config.environment());
        assertEquals("svc", config.service());
        assertEquals(Path.of("actiongate-decisions.jsonl"), config.records());
        assertTrue(config.enabled());
        assertEquals("agent argument", config.sources().get("policy"));
        assertTrue(config.warnings().isEmpty(), config.warnings().toString());
    }

    /**
     * The agent pins the environment against a scope's claim when the operator configured it, from
     * any source (ActionGateAgent reads {@code sources()}); moved here from the forked
     * ConfiguredEnvironmentTest, whose agent-argument case covers that wiring.
     */
    @Test
    void anEnvironmentVariableConfiguresTheEnvironmentAsTheOperatorsChoice() {
        AgentConfig fromVariable = AgentConfig.resolve(null, Map.of(), Map.of("ACTIONGATE_ENVIRONMENT", "production"));
        assertEquals("production", fromVariable.environment());
        assertTrue(
                fromVariable.sources().containsKey(AgentConfig.ENVIRONMENT),
                fromVariable.sources().toString());
        assertFalse(
                AgentConfig.resolve(null, Map.of(), Map.of()).sources().containsKey(AgentConfig.ENVIRONMENT),
                "the built-in default is no one's choice");
    }

    @Test
    void theStoreIsTheFilesUnlessAUrlIsGivenAndItsCredentialsComeFromTheirOwnKeys() {
        AgentConfig files = AgentConfig.resolve("policy=/p.yaml", Map.of(), Map.of());
        assertFalse(files.store().shared());
        assertNull(files.store().instance(), "named at start-up from host and pid");
        assertFalse(
                AgentConfig.resolve("store=file", Map.of(), Map.of()).store().shared());

        AgentConfig fleet = AgentConfig.resolve(
                "store=jdbc:postgresql://db:5432/actiongate?sslmode=require,store_user=gate,instance=pod-a",
                Map.of("actiongate.store_password_file", "/run/secrets/db"),
                Map.of());
        assertTrue(fleet.store().shared());
        assertEquals(
                "jdbc:postgresql://db:5432/actiongate?sslmode=require",
                fleet.store().url());
        assertEquals("gate", fleet.store().user());
        assertEquals(Path.of("/run/secrets/db"), fleet.store().passwordFile());
        assertEquals("pod-a", fleet.store().instance());
        assertTrue(fleet.warnings().isEmpty(), fleet.warnings().toString());
    }

    @Test
    void theCheckpointTrailIsTheLogAFileOrAnHttpUrl() {
        AgentConfig.Sealing log =
                AgentConfig.resolve("records=/r/d.jsonl", Map.of(), Map.of()).sealing();
        assertEquals(new AgentConfig.Sealing(Path.of("/r/d.jsonl.key"), null, null), log);
        assertEquals(
                Path.of("/t/cp.log"),
                AgentConfig.resolve("records_checkpoints=/t/cp.log", Map.of(), Map.of())
                        .sealing()
                        .checkpoints());
        AgentConfig webhook = AgentConfig.resolve(
                null, Map.of("actiongate.records_checkpoints", "https://audit.example:8443/checkpoints"), Map.of());
        assertEquals(
                URI.create("https://audit.example:8443/checkpoints"),
                webhook.sealing().checkpointsUrl());
        assertNull(webhook.sealing().checkpoints());
        assertTrue(webhook.warnings().isEmpty(), webhook.warnings().toString());

        AgentConfig unusable = AgentConfig.resolve("records_checkpoints=ftp://audit.example/cp", Map.of(), Map.of());
        assertEquals(
                new AgentConfig.Sealing(Path.of("actiongate-decisions.jsonl.key"), null, null), unusable.sealing());
        assertEquals(1, unusable.warnings().size(), unusable.warnings().toString());
        assertTrue(
                unusable.warnings().get(0).contains("records_checkpoints='ftp://audit.example/cp' is not usable")
                        && unusable.warnings().get(0).contains("the log"),
                unusable.warnings().get(0));
    }

    @Test
    void unknownKeysFromEverySourceAreWarnings() {
        AgentConfig config = AgentConfig.resolve(
                "polcy=/p.yaml,bogus", Map.of("actiongate.recods", "x"), Map.of("ACTIONGATE_ENVIROMENT", "y"));
        assertEquals(4, config.warnings().size(), config.warnings().toString());
        assertNull(config.policy());
    }

    @Test
    void contextMdcMapsKnownFieldsAndWarnsAboutTheRest() {
        AgentConfig fromArgs = AgentConfig.resolve("context_mdc=actor=user_id;tenant=tenant_id", Map.of(), Map.of());
        assertEquals(Map.of("actor", "user_id", "tenant", "tenant_id"), fromArgs.contextMdc());
        AgentConfig fromProperty = AgentConfig.resolve(
                null, Map.of("actiongate.context_mdc", "actor=user_id,reason=ticket,colour=red,tenant="), Map.of());
        assertEquals(Map.of("actor", "user_id", "reason", "ticket"), fromProperty.contextMdc());
        assertEquals(2, fromProperty.warnings().size(), fromProperty.warnings().toString());
    }

    @Test
    void theAdminApiIsOffUnlessAPortIsGivenAndLoopbackByDefault() {
        assertNull(AgentConfig.resolve("policy=/p.yaml", Map.of(), Map.of()).admin());
        AgentConfig config = AgentConfig.resolve("admin_port=9901,admin_token_file=/run/token", Map.of(), Map.of());
        assertEquals(new AgentConfig.Admin(9901, "127.0.0.1", null, Path.of("/run/token"), null), config.admin());
        assertEquals(
                Path.of("/etc/reviewers"),
                AgentConfig.resolve("admin_port=9901,reviewer_tokens_file=/etc/reviewers", Map.of(), Map.of())
                        .admin()
                        .reviewerTokensFile());
        AgentConfig bad = AgentConfig.resolve("admin_port=http", Map.of(), Map.of());
        assertNull(bad.admin());
        assertTrue(bad.warnings().get(0).contains("admin_port"), bad.warnings().toString());
    }

    @Test
    void serviceDefaultsToJarOrMainClassAndEnabledParses() {
        assertEquals(
                "billing",
                AgentConfig.resolve(null, Map.of("sun.java.command", "/opt/billing.jar --x"), Map.of())
                        .service());
        assertEquals(
                "com.acme.Main",
                AgentConfig.resolve(null, Map.of("sun.java.command", "com.acme.Main a"), Map.of())
                        .service());
        assertFalse(AgentConfig.resolve("enabled=false", Map.of(), Map.of()).enabled());
        AgentConfig bad = AgentConfig.resolve("enabled=perhaps", Map.of(), Map.of());
        assertTrue(bad.enabled());
        assertEquals(1, bad.warnings().size());
    }

    @Test
    void decisionsGoThroughTheJournalUnlessTurnedOff() {
        assertTrue(AgentConfig.resolve(null, Map.of(), Map.of()).recordsJournal());
        assertFalse(AgentConfig.resolve(null, Map.of("actiongate.records_journal", "false"), Map.of())
                .recordsJournal());
        assertFalse(AgentConfig.resolve(null, Map.of(), Map.of("ACTIONGATE_RECORDS_JOURNAL", "off"))
                .recordsJournal());
        AgentConfig bad = AgentConfig.resolve("records_journal=sometimes", Map.of(), Map.of());
        assertTrue(bad.recordsJournal());
        assertTrue(
                bad.warnings().get(0).startsWith("records_journal='sometimes' is not true or false"),
                bad.warnings().toString());
    }

    @Test
    void argumentLimitsDefaultToTenThousandElementsAndAMegabyteOfTextAndWarnAboutBadValues() {
        assertEquals(
                new AgentConfig.ArgumentLimits(10_000, 1_048_576),
                AgentConfig.resolve(null, Map.of(), Map.of()).argumentLimits());
        AgentConfig raised =
                AgentConfig.resolve("args_max_nodes=250_000", Map.of(), Map.of("ACTIONGATE_ARGS_MAX_CHARS", "4096"));
        assertEquals(new AgentConfig.ArgumentLimits(250_000, 4096), raised.argumentLimits());
        assertTrue(raised.warnings().isEmpty(), raised.warnings().toString());
        AgentConfig bad = AgentConfig.resolve("args_max_nodes=0,args_max_chars=lots", Map.of(), Map.of());
        assertEquals(AgentConfig.ArgumentLimits.DEFAULT, bad.argumentLimits());
        assertEquals(
                java.util.List.of(
                        "args_max_nodes='0' is not a whole number from 1 to 2147483647; using 10000",
                        "args_max_chars='lots' is not a whole number from 1 to 2147483647; using 1048576"),
                bad.warnings());
    }
}
