package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.testing.Policies;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy's {@code limits:}: read strictly, with file, line and limit in every problem. */
class LimitsTest {

    /** {@code yaml}, which must be refused, with each of {@code expected} among its problems. */
    private static void assertProblems(String yaml, String... expected) {
        PolicyFixture.assertIncludesEach(PolicyFixture.problems(yaml), expected);
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
        Policy policy = PolicyFixture.policy(Policies.LIMITS);
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
        Policy policy = PolicyFixture.policy(Policies.LIMITS);
        Limit budget = policy.limits().get(1);
        Limit.Measure measure = budget.measure(call("acme", 1_250L));
        assertEquals(new Limit.Measure("acme", 1_250, null), measure);
        assertEquals(new Limit.Measure("acme", 1, null), policy.limits().get(0).measure(call("acme", null)));
    }

    @Test
    void aSumThatIsNotAWholeNumberOrIsNegativeOrFailsIsAProblemNamingTheLimit() throws Exception {
        Limit budget = PolicyFixture.policy(Policies.LIMITS).limits().get(1);
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
        assertProblems(
                """
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
                """,
                "policy.yaml:6:10: limit 'a': 'max' must be a whole number of at least 0, not '-1'",
                "policy.yaml:7:10: limit 'a': 'per' must be a duration such as 1m, 1h or 24h, not '1 hour'",
                "policy.yaml:8:14: limit 'a': unknown limit verdict 'allow' (expected deny or require_approval",
                "policy.yaml:9:9: limit 'a': duplicate limit id 'a'",
                "policy.yaml:11:10: limit 'a': key 'ctx.tenant +' does not compile: CEL 1:",
                "limit 'a': 'approvers' only applies to a limit with verdict require_approval",
                "policy.yaml:17:5: limit 'a': unknown limit key 'mx'",
                "limit 'c': a limit needs 'action'",
                "limit 'c': a limit needs 'key'",
                "limit 'c': a require_approval limit must name who may approve");
    }

    @Test
    void aLimitsBlockThatIsNotAListAndAGroupThatDoesNotExistAreProblems() {
        assertProblems("version: \"1\"\nlimits: {id: a}\n", "'limits' must be a list of limits");
        assertProblems("""
                version: "1"
                limits:
                  - id: r
                    action: send
                    key: 'ctx.tenant'
                    max: 1
                    per: 1m
                    verdict: require_approval
                    approvers: [group:leads]
                """, "policy.yaml:3:1: limit 'r': approver 'group:leads' names a group");
    }

    @Test
    void aLimitReachedDeniesOrAsksTheLimitsApproversWithTheRulesOnes() throws Exception {
        Policy policy = PolicyFixture.policy(Policies.LIMITS);
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
