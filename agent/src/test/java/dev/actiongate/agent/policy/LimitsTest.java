package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy's {@code limits:}: read strictly, with file, line and limit in every problem. */
class LimitsTest {

    private static final String LIMITS = """
            version: "limits-1"
            default: allow
            limits:
              - id: tenant-email-rate
                action: send_customer_email
                key: 'ctx.tenant'
                max: 500
                per: 1h
                verdict: require_approval
                approvers: [olivia]
              - id: refund-budget
                action: refund_payment
                key: 'ctx.tenant'
                sum: 'args.cents'
                max: 5000000
                per: 24h
                verdict: deny
            """;

    private static Policy parse(String yaml) throws PolicyException {
        return new PolicyLoader().parse(Path.of("policy.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static String problems(String yaml) {
        PolicyException e = assertThrows(PolicyException.class, () -> parse(yaml));
        return String.join("\n", e.problems());
    }

    private static Map<String, Object> call(String tenant, Object cents) {
        return Map.of(
                "action",
                "refund_payment",
                "args",
                cents == null ? Map.of() : Map.of("cents", cents),
                "ctx",
                Map.of("tenant", tenant),
                "method",
                Map.of());
    }

    @Test
    void readsCountsAndSumsAndFindsThemByAction() throws Exception {
        Policy policy = parse(LIMITS);
        assertEquals(2, policy.limits().size());
        Limit rate = policy.limits().get(0);
        assertEquals("tenant-email-rate", rate.id());
        assertEquals(500, rate.max());
        assertEquals(Duration.ofHours(1), rate.per());
        assertEquals(Verdict.REQUIRE_APPROVAL, rate.verdict());
        assertEquals(java.util.Set.of("olivia"), rate.approval().reviewers());
        assertNull(rate.sum());
        Limit budget = policy.limits().get(1);
        assertEquals(Verdict.DENY, budget.verdict());
        assertEquals(Duration.ofHours(24), budget.per());
        assertEquals(List.of(budget), policy.limitsFor("refund_payment"));
        assertEquals(List.of(), policy.limitsFor("send_any_email"), "other actions have none");
    }

    @Test
    void measuresTheKeyAndTheSumOfACall() throws Exception {
        Policy policy = parse(LIMITS);
        Limit budget = policy.limits().get(1);
        Limit.Measure measure = budget.measure(call("acme", 1_250L));
        assertEquals(new Limit.Measure("acme", 1_250, null), measure);
        assertEquals(new Limit.Measure("acme", 1, null), policy.limits().get(0).measure(call("acme", null)));
    }

    @Test
    void aSumThatIsNotAWholeNumberOrIsNegativeOrFailsIsAProblemNamingTheLimit() throws Exception {
        Limit budget = parse(LIMITS).limits().get(1);
        assertTrue(budget.measure(call("acme", -5L))
                .problem()
                .startsWith("limit 'refund-budget': sum 'args.cents' gave -5"));
        assertTrue(budget.measure(call("acme", "12")).problem().contains("gave '12'"));
        assertTrue(
                budget.measure(call("acme", null)).problem().contains("could not be evaluated"),
                budget.measure(call("acme", null)).problem());
    }

    @Test
    void everyMistakeIsAProblemWithItsLineAndLimit() {
        String message = problems("""
                version: "1"
                limits:
                  - id: a
                    action: send
                    key: 'ctx.tenant'
                    max: -1
                    per: 1 hour
                    verdict: allow
                  - id: a
                    action: send
                    key: 'ctx.tenant +'
                    sum: 'args.cents'
                    max: 10
                    per: 1h
                    verdict: deny
                    approvers: [olivia]
                    mx: 3
                  - id: c
                    max: 1
                    per: 1m
                    verdict: require_approval
                """);
        assertTrue(
                message.contains("policy.yaml:6:10: limit 'a': 'max' must be a whole number of at least 0, not '-1'"),
                message);
        assertTrue(
                message.contains(
                        "policy.yaml:7:10: limit 'a': 'per' must be a duration such as 1m, 1h or 24h, not '1 hour'"),
                message);
        assertTrue(
                message.contains(
                        "policy.yaml:8:14: limit 'a': unknown limit verdict 'allow' (expected deny or require_approval"),
                message);
        assertTrue(message.contains("policy.yaml:9:9: limit 'a': duplicate limit id 'a'"), message);
        assertTrue(
                message.contains("policy.yaml:11:10: limit 'a': key 'ctx.tenant +' does not compile: CEL 1:"), message);
        assertTrue(
                message.contains("limit 'a': 'approvers' only applies to a limit with verdict require_approval"),
                message);
        assertTrue(message.contains("policy.yaml:17:5: limit 'a': unknown limit key 'mx'"), message);
        assertTrue(message.contains("limit 'c': a limit needs 'action'"), message);
        assertTrue(message.contains("limit 'c': a limit needs 'key'"), message);
        assertTrue(message.contains("limit 'c': a require_approval limit must name who may approve"), message);
    }

    @Test
    void aLimitsBlockThatIsNotAListAndAGroupThatDoesNotExistAreProblems() {
        assertTrue(problems("version: \"1\"\nlimits: {id: a}\n").contains("'limits' must be a list of limits"));
        String message = problems("""
                version: "1"
                limits:
                  - id: r
                    action: send
                    key: 'ctx.tenant'
                    max: 1
                    per: 1m
                    verdict: require_approval
                    approvers: [group:leads]
                """);
        assertTrue(message.contains("policy.yaml:3:1: limit 'r': approver 'group:leads' names a group"), message);
    }

    @Test
    void aLimitReachedDeniesOrAsksTheLimitsApproversWithTheRulesOnes() throws Exception {
        Policy policy = parse(LIMITS);
        LimitReached reached = new LimitReached("tenant-email-rate", "acme", 500, 1, 500, "1h", "2026-12-06T10:00:00Z");
        Decision allowed = new Decision(Verdict.ALLOW, List.of(), "ok", true);
        Decision held = policy.limits().get(0).refuse(allowed, reached);
        assertEquals(Verdict.REQUIRE_APPROVAL, held.verdict());
        assertEquals("limit 'tenant-email-rate' reached for key 'acme': 500 calls of 500 per 1h used", held.reason());
        assertEquals(reached, held.limit());
        assertEquals(java.util.Set.of("olivia"), held.approval().reviewers());
        Decision byOthers = new Decision(
                Verdict.REQUIRE_APPROVAL,
                List.of("big"),
                "big one",
                true,
                new ApprovalRequirement(List.of("omar"), java.util.Set.of("omar"), null, false));
        Decision nobody = policy.limits().get(0).refuse(byOthers, reached);
        assertEquals(Verdict.DENY, nobody.verdict(), "no reviewer satisfies both");
        Decision denied = policy.limits().get(1).refuse(allowed, reached);
        assertEquals(Verdict.DENY, denied.verdict());
        assertTrue(denied.reason().endsWith(", this call adds 1"), denied.reason());
    }
}
