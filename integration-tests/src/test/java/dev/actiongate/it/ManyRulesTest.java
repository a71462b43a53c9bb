package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.apps.BasicApp;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy of 10,000 rules, spread over 100 actions or all on one, loads in a JVM with a 200 MB
 * heap (before the conditions shared one checker environment it needed 1.1 to 1.9 GB) and the
 * first governed call is decided by the policy's rules. How long loading takes is measured by
 * {@code RunBenchmarks policy-load} and written in docs/policy.md, not asserted here: on a busy
 * 2-core CI machine any deadline is a coin toss.
 */
class ManyRulesTest {

    private static final int RULES = 10_000;

    @TempDir
    Path dir;

    @OnEveryJdk
    void tenThousandRulesOverAHundredActionsDecideTheFirstCall(Jdk jdk) {
        assertDecidedByThePolicy(jdk, 100);
    }

    @OnEveryJdk
    void tenThousandRulesOnOneActionDecideTheFirstCall(Jdk jdk) {
        assertDecidedByThePolicy(jdk, 1);
    }

    private void assertDecidedByThePolicy(Jdk jdk, int actions) {
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .jdkDefaults()
                .policy(policy(actions))
                .jvmOption("-Xmx200m")
                .option("startup_timeout=2m")
                .timeout(Duration.ofMinutes(2))
                .main(BasicApp.class)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();
        assertTrue(out.allowed("greet world"), "the first governed call, allowed by rule greet-world\n" + why);
        AppOutput.Denial delete = out.denied("delete");
        assertEquals("no rule matched; the policy default is deny", delete.reason(), why);
        assertEquals("true", out.fact("done"), why);
    }

    /**
     * {@value #RULES} rules: {@code greet-world} allows {@code greet} for {@code world}; the others
     * deny a name of their own, on {@code greet} or on one of {@code actions - 1} other actions,
     * in turn. Every condition differs, so none is compiled once for many rules.
     */
    static String policy(int actions) {
        StringBuilder yaml = new StringBuilder("version: \"it-many-rules-" + actions + "\"\ndefault: deny\nrules:\n");
        yaml.append("  - id: greet-world\n    action: greet\n    when: 'args.name == \"world\"'\n    verdict: allow\n");
        for (int i = 1; i < RULES; i++) {
            String action = i % actions == 0 ? "greet" : "action_" + (i % actions);
            yaml.append("  - id: deny-")
                    .append(i)
                    .append('\n')
                    .append("    action: ")
                    .append(action)
                    .append('\n')
                    .append("    when: 'args.name == \"blocked-")
                    .append(i)
                    .append("\" && size(args) < ")
                    .append(i + 10)
                    .append("'\n")
                    .append("    verdict: deny\n")
                    .append("    reason: name ")
                    .append(i)
                    .append(" is blocked\n");
        }
        return yaml.toString();
    }
}
