package dev.actiongate.agent.policy;

import static dev.actiongate.agent.policy.PolicyFixture.policy;
import static dev.actiongate.agent.policy.PolicyFixture.variables;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyEvaluationTest {

    private static final String POLICY = """
            version: "v1"
            default: deny
            redact: [body]
            rules:
              - id: acme-may-send
                action: send_*
                when: 'ctx.tenant == "acme"'
                verdict: allow
                reason: acme may send
              - id: blocked-destination
                action: send_customer_email
                when: 'args.to.endsWith("@blocked.example")'
                verdict: deny
                reason: destination is blocked
              - id: production-sensitive
                when: 'ctx.environment == "production" && args.sensitive'
                verdict: require_approval
                approvers: [olivia]
                reason: needs approval
              - id: big-refund
                action: refund
                when: 'args.order.amount > 100 && args.order.tags.exists(t, t == "vip")'
                verdict: deny
                reason: too big
            """;

    record Order(double amount, List<String> tags, Optional<String> note) {}

    enum Kind {
        PUBLIC,
        SENSITIVE
    }

    /** Decides a call to send_customer_email with {@code args} for {@code tenant} in {@code environment}. */
    private static Decision sendEmail(Map<String, Object> args, String tenant, String environment)
            throws PolicyException {
        return policy(POLICY)
                .evaluate("send_customer_email", variables("send_customer_email", args, tenant, environment));
    }

    @Test
    void aConditionThatWouldIterateForHoursIsStoppedAndItsRuleDenies() throws Exception {
        Policy costly = policy("""
                version: "v1"
                default: allow
                rules:
                  - id: cubic
                    action: send_customer_email
                    when: 'args.items.all(a, args.items.all(b, args.items.all(c, a != "" && b != "" && c != "")))'
                    verdict: allow
                """);
        List<String> items = java.util.Collections.nCopies(2_000, "x");
        // without a limit this runs for hours: the timeout turns that into a failure, not a hang
        Decision d = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofMinutes(1),
                () -> costly.evaluate(
                        "send_customer_email",
                        variables("send_customer_email", Map.of("items", items), "acme", "staging")));
        assertEquals(Verdict.DENY, d.verdict(), d.reason());
        assertTrue(
                d.reason()
                        .contains("rule 'cubic': condition exceeded the evaluation limit of "
                                + Conditions.MAX_ITERATIONS + " iterations"),
                d.reason());
    }

    @Test
    void allowWhenOnlyAnAllowRuleMatches() throws Exception {
        Decision d = sendEmail(Map.of("to", "a@ok.example", "sensitive", false), "acme", "staging");
        assertEquals(Verdict.ALLOW, d.verdict());
        assertEquals(List.of("acme-may-send"), d.matchedRules());
        assertEquals("acme may send", d.reason());
        assertTrue(d.enforced());
    }

    @Test
    void mostRestrictiveVerdictWinsAndAllMatchesAreListed() throws Exception {
        Decision d = sendEmail(Map.of("to", "a@blocked.example", "sensitive", true), "acme", "production");
        assertEquals(Verdict.DENY, d.verdict());
        assertEquals(List.of("acme-may-send", "blocked-destination", "production-sensitive"), d.matchedRules());
        assertEquals("destination is blocked", d.reason());
    }

    @Test
    void requireApprovalBeatsAllow() throws Exception {
        Decision d = sendEmail(Map.of("to", "a@ok.example", "sensitive", true), "acme", "production");
        assertEquals(Verdict.REQUIRE_APPROVAL, d.verdict());
    }

    @Test
    void defaultAppliesWhenNothingMatches() throws Exception {
        Decision d = sendEmail(Map.of("to", "a@ok.example", "sensitive", false), "globex", "staging");
        assertEquals(Verdict.DENY, d.verdict());
        assertEquals(List.of(), d.matchedRules());
        assertTrue(d.reason().contains("no rule matched"), d.reason());
    }

    @Test
    void runtimeErrorDeniesNamingTheRule() throws Exception {
        Decision d = sendEmail(Map.of("recipient", "a@ok.example", "sensitive", false), "acme", "staging");
        assertEquals(Verdict.DENY, d.verdict());
        assertTrue(d.matchedRules().contains("blocked-destination"));
        assertTrue(d.reason().contains("rule 'blocked-destination' could not be evaluated"), d.reason());
    }

    @Test
    void recordsPojosEnumsAndOptionalsAreConvertedForCel() throws Exception {
        Map<String, Object> args = Map.of(
                "order", PolicyValues.of(new Order(150, List.of("new", "vip"), Optional.empty())),
                "kind", PolicyValues.of(Kind.SENSITIVE),
                "count", PolicyValues.of(3));
        assertEquals(3L, args.get("count"), "integers become CEL int (long)");
        assertEquals("SENSITIVE", args.get("kind"));
        Decision d = policy(POLICY).evaluate("refund", variables("refund", args, "globex", "staging"));
        assertEquals(List.of("big-refund"), d.matchedRules());
        assertEquals(Verdict.DENY, d.verdict());
    }

    @Test
    void monitorModeDecidesButDoesNotEnforce() throws Exception {
        Decision d = policy("version: v\nmode: monitor\nrules: []\n").evaluate("x", variables("x", Map.of(), "", ""));
        assertEquals(Verdict.DENY, d.verdict());
        assertFalse(d.enforced());
    }

    @Test
    void globsMatchWholeNames() {
        assertTrue(Rule.glob("send_*").matcher("send_customer_email").matches());
        assertFalse(Rule.glob("send_*").matcher("resend_x").matches());
        assertTrue(Rule.glob("a.b?").matcher("a.bc").matches());
        assertFalse(Rule.glob("a.b").matcher("axb").matches(), "dots are literal");
    }
}
