package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar actiongate-agent.jar check POLICY}, the policy linter ops run before a deploy. */
class CliTest {

    @TempDir
    Path dir;

    @OnEveryJdk
    void checkAcceptsAGoodPolicy(Jdk jdk) throws Exception {
        Path policy = Files.writeString(dir.resolve("good.yaml"), """
                version: "it-cli-1"
                rules:
                  - id: blocked-destination
                    action: send_*
                    when: 'args.to.endsWith("@blocked.example")'
                    verdict: deny
                  - id: everything-else
                    verdict: allow
                """);
        ForkedJvm.Run run = ForkedJvm.agentCli(jdk, "check", policy.toString()).assertExit(0);
        assertEquals(
                policy + ": OK, policy it-cli-1, 2 rules, default deny, enforce mode",
                run.stdout().strip(),
                run.describe());
    }

    @OnEveryJdk
    void checkRejectsABrokenPolicyNamingFileLineAndColumn(Jdk jdk) throws Exception {
        Path policy = Files.writeString(dir.resolve("broken.yaml"), """
                version: "it-cli-2"
                rules:
                  - id: typo
                    verdict: alow
                  - id: bad-condition
                    when: 'args.to.endsWith('
                    verdict: deny
                """);
        ForkedJvm.Run run = ForkedJvm.agentCli(jdk, "check", policy.toString()).assertExit(1);
        List<String> problems = run.stderr()
                .lines()
                .filter(line -> line.startsWith(policy.toString()))
                .toList();
        assertEquals(2, problems.size(), run.describe());
        assertTrue(problems.get(0).startsWith(policy + ":4:14: rule 'typo': unknown verdict 'alow'"), run.describe());
        assertTrue(
                problems.get(1)
                        .startsWith(policy + ":6:11: rule 'bad-condition': condition 'args.to.endsWith('"
                                + " does not compile: CEL 1:"),
                run.describe());
        assertTrue(!run.stdout().contains("OK"), run.describe());
    }

    @OnEveryJdk
    void versionAndHelpWorkOutsideAnyAgentJvm(Jdk jdk) {
        ForkedJvm.Run version = ForkedJvm.agentCli(jdk, "version").assertExit(0);
        org.junit.jupiter.api.Assertions.assertTrue(version.stdout().startsWith("ActionGate 0."), version.describe());
        ForkedJvm.Run help = ForkedJvm.agentCli(jdk, "help").assertExit(0);
        for (String verb : java.util.List.of(
                "verify", "check", "status", "reload", "approvals", "governance", "attach", "detach", "version")) {
            org.junit.jupiter.api.Assertions.assertTrue(
                    help.stdout().contains("  " + verb + " "), verb + "\n" + help.describe());
        }
        ForkedJvm.agentCli(jdk, "frobnicate").assertExit(2);
    }
}
