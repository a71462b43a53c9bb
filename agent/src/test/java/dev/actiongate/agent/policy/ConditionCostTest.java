package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A condition's cost under hostile input: an evaluation stops at {@link Conditions#MAX_ITERATIONS}
 * and its rule denies, naming itself and the limit; and loading a policy warns about the
 * conditions whose cost multiplies with the size of the call's lists.
 */
class ConditionCostTest {

    private static final String BIG_LOOP = """
            version: "cost-1"
            default: allow
            rules:
              - id: big-loop
                action: import
                when: 'args.items.all(a, args.items.all(b, args.items.all(c, a != "" )))'
                verdict: deny
                reason: never reached
              - id: small
                action: import
                when: 'args.items.exists(i, i == "poison")'
                verdict: deny
            """;

    private static Policy policy(String yaml) throws PolicyException {
        return new PolicyLoader().parse(Path.of("cost.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> call(List<String> items) {
        return Map.of(
                "action", "import",
                "args", Map.of("items", items),
                "ctx", Map.of(),
                "method", Map.of("class", "C", "name", "m"));
    }

    private static List<String> items(int count) {
        List<String> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add("item-" + i);
        }
        return items;
    }

    @Test
    void threeNestedAllOverTwoThousandItemsStopAtTheLimitAndDenyNamingTheRule() throws Exception {
        Policy policy = policy(BIG_LOOP);
        Map<String, Object> call = call(items(2_000));
        // 8 billion iterations without the limit: this did not end. The bound is not a timing
        // assertion, only long enough that a run that ends at all ends well within it.
        Decision decision = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> policy.evaluate("import", call));
        assertEquals(Verdict.DENY, decision.verdict());
        assertEquals(List.of("big-loop"), decision.matchedRules(), "the other rule evaluated and did not match");
        assertEquals(
                "rule 'big-loop': condition exceeded the evaluation limit of " + Conditions.MAX_ITERATIONS
                        + " iterations; denied",
                decision.reason());
    }

    @Test
    void theLimitCountsEveryNestedIterationAndASinglePassBelowItIsDecidedAsWritten() throws Exception {
        String yaml = """
                version: "cost-2"
                default: deny
                rules:
                  - id: nested
                    action: import
                    when: 'args.items.all(a, args.items.all(b, true))'
                    verdict: allow
                """;
        Policy policy = policy(yaml);
        // 316 + 316 * 316 = 100,172 iterations: just over the limit, though no list is long.
        Decision over = policy.evaluate("import", call(items(316)));
        assertEquals(Verdict.DENY, over.verdict());
        assertTrue(over.reason().contains("exceeded the evaluation limit of 100000 iterations"), over.reason());
        // 315 + 315 * 315 = 99,540: under it.
        assertEquals(Verdict.ALLOW, policy.evaluate("import", call(items(315))).verdict());
        Decision single = policy(BIG_LOOP.replace("a != \"\"", "false")).evaluate("import", call(items(90_000)));
        assertEquals(
                Verdict.ALLOW, single.verdict(), "one pass over 90,000 items is under the limit: " + single.reason());
    }

    @Test
    void loadingWarnsAboutNestedComprehensionsWithFileLineAndRule() throws Exception {
        Policy policy = policy(BIG_LOOP);
        assertEquals(1, policy.warnings().size(), policy.warnings().toString());
        assertEquals(
                "cost.yaml:6:11: rule 'big-loop': warning: condition nests all (CEL 1:48) inside all (CEL 1:30)"
                        + " inside all (CEL 1:12): its cost grows with the product of the sizes of their lists;"
                        + " an evaluation that exceeds 100000 iterations stops, and the rule denies",
                policy.warnings().get(0));
    }

    @Test
    void everyNestedComprehensionIsWarnedAboutButOneAfterAnotherIsNot() throws Exception {
        String yaml = """
                version: "cost-3"
                rules:
                  - id: exists-in-map
                    when: 'args.a.map(x, args.b.exists_one(y, y == x)).size() > 0'
                    verdict: deny
                  - id: filter-in-exists
                    when: >-
                      args.a.exists(x,
                        args.b.filter(y, y == x).size() > 1)
                    verdict: deny
                  - id: over-a-literal
                    when: '[1, 2, 3].all(n, args.a.exists(x, x == n))'
                    verdict: deny
                  - id: one-after-another
                    when: 'args.a.map(x, x).all(y, y != "") && args.b.exists(z, z == "")'
                    verdict: deny
                  - id: single
                    when: 'args.a.exists(x, x == "b")'
                    verdict: deny
                """;
        List<String> warnings = policy(yaml).warnings();
        assertEquals(3, warnings.size(), warnings.toString());
        assertTrue(
                warnings.get(0)
                        .startsWith("cost.yaml:4:11: rule 'exists-in-map': warning: condition nests"
                                + " exists_one (CEL 1:22) inside map (CEL 1:8): "),
                warnings.get(0));
        assertTrue(
                warnings.get(1)
                        .startsWith("cost.yaml:7:11: rule 'filter-in-exists': warning: condition nests"
                                + " filter (CEL 2:10) inside exists (CEL 1:8): "),
                warnings.get(1));
        // A literal list multiplies by its length: still nested, still pointed out.
        assertTrue(
                warnings.get(2)
                        .startsWith("cost.yaml:12:11: rule 'over-a-literal': warning: condition nests"
                                + " exists (CEL 1:25) inside all (CEL 1:11): "),
                warnings.get(2));
    }
}
