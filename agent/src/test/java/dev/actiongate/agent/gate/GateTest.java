package dev.actiongate.agent.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.policy.PolicySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision path in-process: a {@link Gate} over an in-memory record sink and event counter,
 * called as the inlined advice calls it ({@code enter} before the body, {@code exit} after). What
 * needs a JVM (instrumentation, class loaders, attach, kill -9) stays in the forked tests.
 */
class GateTest extends GateCase {

    private static final String POLICY = """
            version: "v7"
            default: deny
            escalation:
              after_denials: 2
              within: 10m
            rules:
              - id: acme-sends
                action: send_customer_email
                when: 'ctx.tenant == "acme"'
                verdict: allow
                reason: acme may send
              - id: blocked-destination
                action: send_customer_email
                when: 'args.to.endsWith("@blocked.example")'
                verdict: deny
                reason: destination is blocked
              - id: broken
                action: refund
                when: 'args.missing > 1'
                verdict: allow
                reason: never
            """;

    private static final String PRODUCTION_ONLY = """
            version: "env-1"
            default: allow
            rules:
              - id: production-only
                action: send_customer_email
                when: 'ctx.environment == "production"'
                verdict: deny
                reason: no customer emails from production in this test
            """;

    @Test
    void anAllowedCallRunsAndLeavesADecisionAndAnOutcome() throws Exception {
        Gate gate = gate(POLICY);
        Object token = asAcme(() -> gate.enter(send, new Object[] {"ann@example.com", "hi"}));
        assertNotNull(token, "the body runs");
        gate.exit(token, null);
        Map<String, Object> decision = sink.only("decision");
        assertEquals("allow", decision.get("verdict"));
        assertEquals("send_customer_email", decision.get("action"));
        assertEquals(List.of("acme-sends"), decision.get("matched_rules"));
        assertEquals("acme may send", decision.get("reason"));
        assertEquals("acme", decision.get("tenant"));
        assertEquals("v7", decision.get("policy_version"));
        assertEquals(true, decision.get("enforced"));
        assertEquals("com.example.Mailer#send(java.lang.String,java.lang.String)", decision.get("method"));
        assertEquals("host-1", decision.get("host"));
        assertFalse(decision.containsKey("instance"), "no instance was named: " + decision);
        Map<String, Object> outcome = sink.only("outcome");
        assertEquals(decision.get("decision_id"), outcome.get("decision_id"));
        assertEquals("returned", outcome.get("outcome"));
    }

    @Test
    void aNamedInstanceIsInEveryDecisionAndIncident() throws Exception {
        GateState named = state(POLICY);
        Gate gate = gate(new GateState(
                named.policy(),
                null,
                sink,
                null,
                new GateState.Origin("host-1", "pod-b"),
                null,
                "approvals are not under test"));
        for (int i = 0; i < 3; i++) {
            assertThrows(ActionDeniedException.class, () -> gate.enter(send, new Object[] {"ann@example.com", "hi"}));
        }
        sink.kinds("decision").forEach(d -> assertEquals("pod-b", d.get("instance"), "decision " + d));
        assertEquals("pod-b", sink.only("incident").get("instance"));
    }

    @Test
    void aDeniedCallNeverRunsAndSaysWhy() throws Exception {
        Gate gate = gate(POLICY);
        ActionDeniedException denied = assertThrows(
                ActionDeniedException.class,
                () -> asAcme(() -> gate.enter(send, new Object[] {"eve@blocked.example", "hi"})));
        assertEquals("deny", denied.verdict());
        assertEquals(List.of("acme-sends", "blocked-destination"), denied.matchedRules());
        assertEquals("destination is blocked", denied.reason());
        Map<String, Object> decision = sink.only("decision");
        assertEquals("deny", decision.get("verdict"));
        assertEquals(denied.decisionId(), decision.get("decision_id"));
        assertEquals(List.of(), sink.kinds("outcome"), "no body ran, so no outcome");
    }

    @Test
    void noRuleMatchingFallsBackToThePolicyDefault() throws Exception {
        Gate gate = gate(POLICY);
        ActionDeniedException denied = assertThrows(
                ActionDeniedException.class, () -> gate.enter(send, new Object[] {"ann@example.com", "hi"}));
        assertEquals("no rule matched; the policy default is deny", denied.reason());
    }

    @Test
    void aConditionThatCannotBeEvaluatedDeniesNamingTheRule() throws Exception {
        Gate gate = gate(POLICY);
        ActionDeniedException denied =
                assertThrows(ActionDeniedException.class, () -> gate.enter(refund, new Object[] {500L}));
        assertEquals("deny", denied.verdict());
        assertEquals(List.of("broken"), denied.matchedRules());
        assertTrue(denied.reason().startsWith("rule 'broken' could not be evaluated: "), denied.reason());
        assertTrue(denied.reason().contains("missing"), "names what the condition lacked: " + denied.reason());
        Map<String, Object> decision = sink.only("decision");
        assertEquals(denied.decisionId(), decision.get("decision_id"));
        assertEquals("deny", decision.get("verdict"));
        assertEquals(denied.reason(), decision.get("reason"));
        assertEquals(List.of("broken"), decision.get("matched_rules"));
        assertEquals("v7", decision.get("policy_version"));
        assertEquals(List.of(), sink.kinds("outcome"), "no body ran, so no outcome");
    }

    @Test
    void monitorModeRunsTheBodyAndRecordsWhatEnforcingWouldHaveDecided() throws Exception {
        Gate gate = gate(POLICY.replace("default: deny", "default: deny\nmode: monitor"));
        Object token = gate.enter(send, new Object[] {"ann@example.com", "hi"});
        assertNotNull(token, "monitor mode never stops a call");
        gate.exit(token, new IllegalStateException("smtp down"));
        Map<String, Object> decision = sink.only("decision");
        assertEquals("deny", decision.get("verdict"));
        assertEquals(false, decision.get("enforced"));
        Map<String, Object> outcome = sink.only("outcome");
        assertEquals("threw", outcome.get("outcome"));
        assertEquals("java.lang.IllegalStateException", outcome.get("exception"));
    }

    @Test
    void monitorModeLetsAHeldCallAndTheDefaultThroughRecordingWhatEnforcingWouldHaveDecided() throws Exception {
        Gate gate = gate("""
                version: "monitor-1"
                default: allow
                mode: monitor
                rules:
                  - id: large-refund
                    action: refund
                    when: 'args.cents > 10000'
                    verdict: require_approval
                    approvers: [olivia]
                """);
        Object held = gate.enter(refund, new Object[] {50_000L});
        assertNotNull(held, "monitor mode runs a call enforcing would hold for approval");
        gate.exit(held, null);
        Object fallback = gate.enter(send, new Object[] {"carl@other.org", "hi"});
        assertNotNull(fallback, "and the one the default allows");
        gate.exit(fallback, null);

        List<Map<String, Object>> decisions = sink.kinds("decision");
        assertEquals(List.of("refund require_approval", "send_customer_email allow"), sink.verdictsBy("action"));
        assertEquals(List.of("large-refund"), decisions.get(0).get("matched_rules"));
        assertEquals(List.of(), decisions.get(1).get("matched_rules"));
        assertEquals(
                "no rule matched; the policy default is allow", decisions.get(1).get("reason"));
        decisions.forEach(d -> assertEquals(false, d.get("enforced"), d.toString()));
        decisions.forEach(d -> assertEquals("monitor-1", d.get("policy_version"), d.toString()));
        assertEquals(
                decisions.stream().map(d -> d.get("decision_id")).toList(),
                sink.kinds("outcome").stream().map(o -> o.get("decision_id")).toList(),
                "both bodies ran and returned");
        assertEquals(
                List.of("decision", "outcome", "decision", "outcome"),
                sink.records.stream().map(r -> r.get("kind")).toList(),
                "nothing held, nothing filed for a reviewer");
    }

    /** Moved here from the forked ConfiguredEnvironmentTest, which keeps the end-to-end case. */
    @Test
    void aPinnedEnvironmentStandsAgainstAScopesClaimWhichTheRecordKeepsBesideIt() throws Exception {
        Gate gate = gate(state(PRODUCTION_ONLY), "production");
        ActionDeniedException denied = assertThrows(
                ActionDeniedException.class,
                () -> inEnvironment("staging", () -> gate.enter(send, new Object[] {"ann@example.com", "hi"})));
        assertEquals(List.of("production-only"), denied.matchedRules(), "the claim skipped no production rule");
        Map<String, Object> decision = sink.only("decision");
        assertEquals("production", decision.get("environment"));
        assertEquals("staging", decision.get("caller_environment"), "the claim, kept where it differs");
    }

    @Test
    void withoutAPinnedEnvironmentTheScopesEnvironmentStands() throws Exception {
        Gate gate = gate(state(PRODUCTION_ONLY), null);
        Object token = inEnvironment("staging", () -> gate.enter(send, new Object[] {"ann@example.com", "hi"}));
        assertNotNull(token, "staging is not production");
        gate.exit(token, null);
        assertThrows(
                ActionDeniedException.class,
                () -> inEnvironment("production", () -> gate.enter(send, new Object[] {"bob@example.com", "hi"})));
        assertEquals(List.of("staging allow", "production deny"), sink.verdictsBy("environment"));
        sink.kinds("decision").forEach(d -> assertNull(d.get("caller_environment"), "nothing was overridden: " + d));
    }

    @Test
    void withoutAPolicyEveryCallIsDeniedWithTheProblem() {
        Gate gate =
                gate(new GateState(null, "policy /etc/p.yaml: no such file", sink, null, HOST_1, null, "no approvals"));
        ActionDeniedException denied = assertThrows(
                ActionDeniedException.class, () -> gate.enter(send, new Object[] {"ann@example.com", "hi"}));
        assertTrue(denied.reason().contains("policy /etc/p.yaml: no such file"), denied.reason());
    }

    /** {@link #POLICY}'s first two rules, 600 more on other actions, and one that does not compile on {@code other}. */
    private static String largePolicy(boolean broken) {
        StringBuilder yaml = new StringBuilder(POLICY.substring(0, POLICY.indexOf("  - id: broken")));
        for (int i = 0; i < 600; i++) {
            yaml.append("  - id: filler-")
                    .append(i)
                    .append("\n    action: other_")
                    .append(i % 7);
            yaml.append("\n    when: 'args.n == ").append(i).append("'\n    verdict: deny\n");
        }
        if (broken) {
            yaml.append("  - id: late-broken\n    action: other\n    when: 'args.n.nosuch()'\n    verdict: deny\n");
        }
        return yaml.toString();
    }

    /** {@code file}, holding {@link #largePolicy} with a broken condition, loaded as the agent's start does. */
    private static Policy startedWithBrokenLargePolicy(Path file) throws Exception {
        Files.writeString(file, largePolicy(true));
        return PolicySource.of(file).compileForStart();
    }

    @Test
    void aLargePolicysBrokenConditionFoundAfterTheStartDeniesEveryCallNamingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("large.yaml");
        Policy policy = startedWithBrokenLargePolicy(file);
        Gate gate = gate(new GateState(policy, null, sink, null, HOST_1, null, "approvals are not under test"));

        assertEquals(List.of(), policy.compiled().get(60, TimeUnit.SECONDS).warnings());
        ActionDeniedException denied = assertThrows(
                ActionDeniedException.class,
                () -> asAcme(() -> gate.enter(send, new Object[] {"ann@example.com", "hi"})));

        assertTrue(
                denied.reason().startsWith("no usable policy: policy " + file + " is invalid: " + file + ":"),
                denied.reason());
        assertTrue(denied.reason().contains("rule 'late-broken': condition 'args.n.nosuch()'"), denied.reason());
        assertEquals(List.of(), denied.matchedRules());
    }

    @Test
    void aReloadWhileTheStartsPolicyStillCompilesPutsTheNewOneInForce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("large.yaml");
        Policy starting = startedWithBrokenLargePolicy(file);
        Gate gate = gate(new GateState(starting, null, sink, null, HOST_1, null, "approvals are not under test"));

        Files.writeString(file, largePolicy(false));
        assertFalse(gate.reload(file, "test").rejected());
        try {
            starting.compiled().get(60, TimeUnit.SECONDS);
        } catch (CancellationException | ExecutionException stopped) {
            // stopped by the reload, or done before it: either way it is no longer in force
        }

        assertNotNull(asAcme(() -> gate.enter(send, new Object[] {"ann@example.com", "hi"})), "the new policy allows");
        assertEquals(1, sink.kinds("policy_loaded").size(), "the reload was recorded: " + sink.records);
        assertEquals("allow", sink.only("decision").get("verdict"));
    }

    @Test
    void aRecordThatCannotBeWrittenDeniesTheCall() throws Exception {
        Gate gate = gate(POLICY);
        sink.failing = true;
        ActionDeniedException denied = assertThrows(
                ActionDeniedException.class,
                () -> asAcme(() -> gate.enter(send, new Object[] {"ann@example.com", "hi"})));
        assertEquals("deny", denied.verdict());
        assertTrue(denied.reason().contains("disk full"), denied.reason());
    }

    @Test
    void repeatedDenialsEscalateAndLeaveAnIncident() throws Exception {
        Gate gate = gate(POLICY);
        for (int i = 0; i < 2; i++) {
            assertEquals(
                    "deny",
                    assertThrows(
                                    ActionDeniedException.class,
                                    () -> gate.enter(send, new Object[] {"ann@example.com", "hi"}))
                            .verdict());
        }
        ActionDeniedException third = assertThrows(
                ActionDeniedException.class, () -> gate.enter(send, new Object[] {"ann@example.com", "hi"}));
        assertEquals("escalate", third.verdict());
        assertEquals(1, sink.kinds("incident").size(), "one incident: " + sink.records);
        assertEquals("send_customer_email", sink.only("incident").get("action"));
        assertTrue(counter.added > 0, "denials were counted in the injected counter");
    }

    @Test
    void switchedOffGoverningRunsBodiesUndecidedAfterRecordingTheSwitch() throws Exception {
        Gate gate = gate(POLICY);
        gate.switchGoverning(false, null, "olivia", "incident 42", "test");
        assertEquals(1, sink.kinds("governance_switched").size());
        assertNull(gate.enter(send, new Object[] {"eve@blocked.example", "hi"}), "runs, with no decision");
        assertEquals(List.of(), sink.kinds("decision"));
    }

    private static final String LIMITED = """
            version: "v8"
            default: allow
            limits:
              - id: tenant-email-rate
                action: send_customer_email
                key: 'ctx.tenant'
                max: 2
                per: 1h
                verdict: deny
              - id: refund-budget
                action: refund
                key: 'ctx.tenant'
                sum: 'args.cents'
                max: 1000
                per: 24h
                verdict: deny
            """;

    @Test
    void aCallPastItsLimitIsDeniedAndItsRecordNamesTheLimitKeyCurrentMaxAndWindow() throws Exception {
        Gate gate = gate(LIMITED);
        for (int i = 0; i < 2; i++) {
            gate.exit(asAcme(() -> gate.enter(send, new Object[] {"ann@example.com", "hi"})), null);
        }
        assertNotNull(gate.enter(send, new Object[] {"ann@example.com", "hi"}), "another tenant has its own budget");
        ActionDeniedException denied = assertThrows(
                ActionDeniedException.class,
                () -> asAcme(() -> gate.enter(send, new Object[] {"ann@example.com", "hi"})));
        assertEquals("deny", denied.verdict());
        assertEquals("limit 'tenant-email-rate' reached for key 'acme': 2 calls of 2 per 1h used", denied.reason());
        Map<String, Object> record = sink.kinds("decision").get(3);
        assertEquals("deny", record.get("verdict"));
        @SuppressWarnings("unchecked")
        Map<String, Object> limit = (Map<String, Object>) record.get("limit");
        assertEquals("tenant-email-rate", limit.get("id"));
        assertEquals("acme", limit.get("key"));
        assertEquals(2L, ((Number) limit.get("current")).longValue());
        assertEquals(2L, ((Number) limit.get("max")).longValue());
        assertEquals("1h", limit.get("per"));
        assertTrue(limit.get("window_start").toString().endsWith(":00:00Z"), limit.toString());
        assertNull(sink.kinds("decision").get(0).get("limit"), "an allowed call's record has no limit");
    }

    @Test
    void aSumLimitRefusesTheCallThatWouldGoPastTheBudgetAndLetsASmallerOneThrough() throws Exception {
        Gate gate = gate(LIMITED);
        gate.exit(asAcme(() -> gate.enter(refund, new Object[] {700L})), null);
        ActionDeniedException denied =
                assertThrows(ActionDeniedException.class, () -> asAcme(() -> gate.enter(refund, new Object[] {400L})));
        assertEquals(
                "limit 'refund-budget' reached for key 'acme': 700 of 1000 per 24h used, this call adds 400",
                denied.reason());
        assertNotNull(asAcme(() -> gate.enter(refund, new Object[] {300L})), "300 more is exactly the budget");
        ActionDeniedException negative =
                assertThrows(ActionDeniedException.class, () -> asAcme(() -> gate.enter(refund, new Object[] {-1L})));
        assertTrue(negative.reason().startsWith("limit 'refund-budget': sum 'args.cents' gave -1"), negative.reason());
    }

    @Test
    void aLimitThatCannotBeCountedDeniesNamingWhy() throws Exception {
        Policy policy = policy(LIMITED);
        dev.actiongate.agent.quota.QuotaCounter down = new dev.actiongate.agent.quota.QuotaCounter() {
            @Override
            public Taken take(String limitId, String key, long amount, long max, Duration window) {
                throw new java.io.UncheckedIOException(
                        new IOException("fleet store jdbc:postgresql://db/x cannot be reached"));
            }

            @Override
            public void giveBack(String limitId, String key, long amount, Duration window, Taken taken) {}
        };
        Gate gate = gate(new GateState(
                policy, null, sink, null, HOST_1, null, "none", new GateState.SharedStores(null, down, null)));
        ActionDeniedException denied = assertThrows(
                ActionDeniedException.class, () -> gate.enter(send, new Object[] {"ann@example.com", "hi"}));
        assertEquals(
                "limit 'tenant-email-rate' cannot be counted: fleet store jdbc:postgresql://db/x cannot be reached",
                denied.reason());
        assertNotNull(gate.enter(registerOther(), new Object[] {"x"}), "an action without limits never asks the store");
    }

    private int registerOther() {
        return register("lookup", "lookup", List.of("id"));
    }
}
