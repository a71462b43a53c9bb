package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy of many conditions loaded at the agent's start: each action's conditions compiled on
 * its first call, all of them in the background, and a broken one denying every call once found.
 */
class LazyCompileTest {

    private static final Path FILE = Path.of("many.yaml");

    /** {@code perAction} rules on each of {@code actions} actions; rule 1 of action a0 allows the call. */
    private static String policy(int actions, int perAction, String brokenOn) {
        StringBuilder yaml = new StringBuilder("version: \"v1\"\ndefault: deny\nrules:\n");
        yaml.append("  - id: allow-a0\n    action: a0\n    when: 'args.to == \"ok\"'\n    verdict: allow\n");
        for (int a = 0; a < actions; a++) {
            for (int r = 0; r < perAction; r++) {
                yaml.append("  - id: a").append(a).append("-r").append(r).append('\n');
                yaml.append("    action: a").append(a).append('\n');
                yaml.append("    when: 'args.to == \"blocked-")
                        .append(a)
                        .append('-')
                        .append(r);
                yaml.append("@example.com\"'\n    verdict: deny\n");
            }
        }
        if (brokenOn != null) {
            yaml.append("  - id: broken\n    action: ").append(brokenOn).append('\n');
            yaml.append("    when: 'args.to.nosuch()'\n    verdict: deny\n");
        }
        return yaml.toString();
    }

    private static Policy lazily(String yaml) throws PolicyException {
        return new PolicyLoader().parseLazily(FILE, yaml.getBytes(StandardCharsets.UTF_8), 1);
    }

    private static Map<String, Object> call(String action, String to) {
        return Map.of(
                "action", action,
                "args", Map.of("to", to),
                "ctx", Map.of(),
                "method", Map.of("class", "C", "name", "m"));
    }

    private static Decision evaluate(Policy policy, String action, String to) {
        return policy.evaluate(action, call(action, to));
    }

    /** Line of {@code rule 'broken'} in {@link #policy}: its {@code when:} is two lines further. */
    private static int brokenWhenLine(String yaml) {
        List<String> lines = yaml.lines().toList();
        return lines.indexOf("  - id: broken") + 3;
    }

    @Test
    void conditionsAreCompiledOnTheFirstCallOfTheirAction() throws Exception {
        Policy policy = lazily(policy(3, 5, null));

        assertTrue(policy.rules().stream().allMatch(rule -> rule.condition() == null), "nothing compiled at load");
        assertEquals(Verdict.ALLOW, evaluate(policy, "a0", "ok").verdict());
        Decision denied = evaluate(policy, "a1", "blocked-1-4@example.com");
        assertEquals(Verdict.DENY, denied.verdict());
        assertEquals(List.of("a1-r4"), denied.matchedRules());
        assertEquals(List.of(), evaluate(policy, "a2", "someone").matchedRules());
        assertFalse(policy.compiled().isDone(), "the rest is for the background to compile");
    }

    @Test
    void aBrokenConditionOfTheCalledActionDeniesNamingFileLineAndRule() throws Exception {
        String yaml = policy(2, 3, "a1");
        Policy policy = lazily(yaml);

        Decision decision = evaluate(policy, "a1", "someone");

        assertEquals(Verdict.DENY, decision.verdict());
        assertTrue(
                decision.reason()
                        .startsWith("no usable policy: policy many.yaml is invalid: many.yaml:" + brokenWhenLine(yaml)
                                + ":"),
                decision.reason());
        assertTrue(decision.reason().contains("rule 'broken': condition 'args.to.nosuch()' does not compile"));
        assertEquals(Verdict.DENY, evaluate(policy, "a0", "ok").verdict(), "the whole policy is unusable now");
    }

    @Test
    void aBrokenConditionFoundInTheBackgroundDeniesEveryCallFromThenOn() throws Exception {
        String yaml = policy(2, 3, "a1");
        Policy policy = lazily(yaml);
        assertEquals(Verdict.ALLOW, evaluate(policy, "a0", "ok").verdict(), "a0's rules compile");

        policy.compileInBackground();
        CompileReport report = policy.compiled().get(30, TimeUnit.SECONDS);

        assertEquals(1, report.problems().size(), report.problems().toString());
        assertTrue(report.problems().get(0).startsWith("many.yaml:" + brokenWhenLine(yaml) + ":"));
        Decision decision = evaluate(policy, "a0", "ok");
        assertEquals(Verdict.DENY, decision.verdict());
        assertEquals(List.of(), decision.matchedRules());
        assertTrue(decision.enforced());
        assertTrue(decision.reason().contains("rule 'broken'"), decision.reason());
    }

    @Test
    void theBackgroundReportsEveryProblemInFileOrderAndTheWarnings() throws Exception {
        String yaml = policy(2, 2, null)
                + "  - id: second-broken\n    when: 'nosuch.thing'\n    verdict: deny\n"
                + "  - id: nested\n    when: 'args.l.all(x, args.l.all(y, x == y))'\n    verdict: deny\n"
                + "  - id: third-broken\n    action: a1\n    when: '1 +'\n    verdict: deny\n";
        Policy policy = lazily(yaml);

        policy.compileInBackground();
        CompileReport report = policy.compiled().get(30, TimeUnit.SECONDS);

        assertEquals(2, report.problems().size(), report.problems().toString());
        assertTrue(report.problems().get(0).contains("rule 'second-broken'"));
        assertTrue(report.problems().get(1).contains("rule 'third-broken'"));
        assertEquals(1, report.warnings().size(), report.warnings().toString());
        assertTrue(report.warnings().get(0).contains("rule 'nested': warning: condition nests"));
    }

    @Test
    void checkAndReloadStillCompileEverythingAndReportEveryError() {
        String yaml = policy(2, 2, "a1") + "  - id: second-broken\n    when: 'nosuch.thing'\n    verdict: deny\n";

        PolicyException rejected = assertThrows(
                PolicyException.class, () -> new PolicyLoader().parse(FILE, yaml.getBytes(StandardCharsets.UTF_8)));

        assertEquals(2, rejected.problems().size(), rejected.problems().toString());
        assertTrue(rejected.problems().get(0).contains("rule 'broken'"));
        assertTrue(rejected.problems().get(1).contains("rule 'second-broken'"));
    }

    @Test
    void aPolicyThatSaysEnabledFalseIsCompiledAtLoadEvenWhenLarge() {
        String yaml = policy(1, 2, "a0") + "enabled: false\n";

        PolicyException rejected = assertThrows(PolicyException.class, () -> lazily(yaml));

        assertTrue(
                rejected.problems().get(0).contains("rule 'broken'"),
                rejected.problems().toString());
    }

    @Test
    void twoFirstCallsOfOneActionCompileItOnceAndGetTheSameRules() throws Exception {
        Policy policy = lazily(policy(4, 50, null));
        ActionRules rules = policy.actionRules();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (String action : List.of("a0", "a1", "a2", "a3")) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<Rule>>> found = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    found.add(pool.submit(() -> {
                        go.await();
                        return rules.forAction(action);
                    }));
                }
                go.countDown();
                List<Rule> first = found.get(0).get(30, TimeUnit.SECONDS);
                assertEquals(action.equals("a0") ? 51 : 50, first.size());
                assertTrue(first.stream().allMatch(rule -> rule.condition() != null), "all compiled");
                for (Future<List<Rule>> each : found) {
                    assertSame(first, each.get(30, TimeUnit.SECONDS), "one compile per action, shared");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void firstCallsRacingTheBackgroundCompileDecideAsAnEagerLoadDoes() throws Exception {
        String yaml = policy(20, 30, null);
        Policy eager = new PolicyLoader().parse(FILE, yaml.getBytes(StandardCharsets.UTF_8));
        Policy policy = lazily(yaml);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            policy.compileInBackground();
            List<Future<?>> calls = new ArrayList<>();
            for (int a = 19; a >= 0; a--) {
                String action = "a" + a;
                String to = "blocked-" + a + "-" + (a % 30) + "@example.com";
                calls.add(pool.submit(() -> {
                    for (String each : List.of(to, "ok", "someone")) {
                        Decision lazy = evaluate(policy, action, each);
                        Decision now = evaluate(eager, action, each);
                        assertEquals(now.verdict(), lazy.verdict(), action + " " + each);
                        assertEquals(now.matchedRules(), lazy.matchedRules(), action + " " + each);
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
            }
            assertEquals(List.of(), policy.compiled().get(60, TimeUnit.SECONDS).problems());
            assertNull(policy.actionRules().problem());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReplacedPolicyStopsCompilingAndReportsNothing() throws Exception {
        Policy policy = lazily(policy(50, 40, "a49"));

        policy.stopCompiling();
        policy.compileInBackground();

        assertTrue(policy.compiled().isCancelled() || policy.compiled().isCompletedExceptionally());
        assertNull(policy.actionRules().problem(), "nothing compiled after it was replaced");
        assertEquals(Verdict.ALLOW, evaluate(policy, "a0", "ok").verdict(), "a call still in flight decides");
    }

    @Test
    void theAgentsStartLeavesALargePolicysConditionsToTheBackground(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("large.yaml");
        String yaml = policy(10, PolicySource.LAZY_ABOVE / 10 + 1, "a9");
        Files.writeString(file, yaml);

        Policy policy = PolicySource.of(file).compileForStart();

        assertTrue(policy.actionRules().lazy());
        CompileReport report = policy.compiled().get(60, TimeUnit.SECONDS);
        assertEquals(1, report.problems().size(), report.problems().toString());
        assertTrue(report.problems().get(0).startsWith(file + ":" + brokenWhenLine(yaml) + ":"));
        assertEquals(Verdict.DENY, evaluate(policy, "a0", "ok").verdict());
    }

    @Test
    void theAgentsStartCompilesASmallPolicyAtLoadAsBefore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("small.yaml");
        Files.writeString(file, policy(2, 2, "a1"));

        PolicyException rejected =
                assertThrows(PolicyException.class, () -> PolicySource.of(file).compileForStart());

        assertTrue(
                rejected.problems().get(0).contains("rule 'broken'"),
                rejected.problems().toString());
    }
}
