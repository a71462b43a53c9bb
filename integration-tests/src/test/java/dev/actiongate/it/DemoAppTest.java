package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command: the packaged demo, under the agent, with its shipped policy. The
 * demo itself checks every row against an embedded GreenMail and exits non-zero on divergence.
 */
class DemoAppTest {

    @TempDir
    Path dir;

    @OnEveryJdk
    void theDemoDecidesEveryRowAsItsPolicySaysAndOnlyTheAllowedEmailIsDelivered(Jdk jdk) throws Exception {
        Path demo = Path.of(System.getProperty("actiongate.it.demo.dir", "../demo-app")).toAbsolutePath().normalize();
        Path jar = demo.resolve("target/actiongate-demo-app.jar");
        assertTrue(Files.isRegularFile(jar), "the demo jar is built: " + jar);
        Path records = dir.resolve("demo-decisions.jsonl");

        ForkedJvm.Run run = ForkedJvm.on(jdk)
                .agent("policy=" + demo.resolve("policy.yaml") + ",records=" + records)
                .workingDirectory(dir)
                .jar(jar, "--records", records.toString())
                .run().assertExit(0);
        String why = run.describe();
        assertTrue(run.stdout().contains("OK: all 6 requests were decided as the policy says"), why);
        assertTrue(run.stdout().contains("JVM start to main"), why);

        Records written = Records.read(records);
        assertEquals(10, written.decisions().size(), "five single requests and five attempts of the AI agent\n" + why);
        assertEquals(1, written.outcomes().size(), "only the allowed email ran\n" + why);
        assertEquals(1, written.ofKind("incident").size(), "the AI agent's fifth attempt is an incident\n" + why);
        ForkedJvm.agentCli(jdk, "verify", records.toString()).assertExit(0);
    }
}
