package dev.actiongate.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} passes a policy whose conditions nest comprehensions, and warns about each. */
class CheckWarningsTest {

    @TempDir
    Path dir;

    @Test
    void checkWarnsAboutNestedComprehensionsWithFileLineAndRuleAndStillPasses() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: "check-cost-1"
                rules:
                  - id: fine
                    action: import
                    when: 'args.items.exists(i, i == "poison")'
                    verdict: deny
                  - id: big-loop
                    action: import
                    when: 'args.items.all(a, args.items.all(b, a != b))'
                    verdict: deny
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(
                new String[] {"check", policy.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        String why = stdout + err.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, why);
        List<String> lines = stdout.lines().toList();
        assertEquals(policy + ": OK, policy check-cost-1, 2 rules, default deny, enforce mode", lines.get(0), why);
        assertEquals(2, lines.size(), why);
        assertTrue(
                lines.get(1)
                        .startsWith(
                                policy + ":9:11: rule 'big-loop': warning: condition nests all (CEL 1:30)"
                                        + " inside all (CEL 1:12): its cost grows with the product of the sizes of their lists"),
                why);
    }
}
