package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.apps.BasicApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up, records file and attach paths tried as an attacker or a careless operator would: a
 * governed body never runs without a decision and a record, and the application keeps running.
 */
class RedTeamSecondPassTest {

    /** Allows nothing: any body that runs got past the gate. */
    private static final String DENY_ALL = """
            version: "redteam-2"
            default: deny
            rules:
              - id: nothing-else
                action: never_called
                verdict: allow
            """;

    @TempDir
    Path dir;

    /**
     * An operator who means "no deadline" writes a huge one: its nanoseconds overflow a long. That
     * threw out of the agent's start after the configuration was resolved, and the launcher left
     * every governed method uninstrumented: the bodies ran undecided.
     */
    @OnEveryJdk
    void aStartupTimeoutTooLargeForNanosecondsIsABadValueNotAnUngovernedJvm(Jdk jdk) throws IOException {
        Path records = dir.resolve("records.jsonl");
        ForkedJvm.Run run = ForkedJvm.on(jdk)
                .agent("policy=" + policy() + ",records=" + records + ",startup_timeout=999999999d")
                .classpath(AppClasspath.basic()).main(BasicApp.class).run().assertExit(0);
        AppOutput out = run.output();
        assertEquals(List.of(), out.bodies(), run.describe());
        assertEquals(List.of("greet world", "delete", "transfer"), out.deniedLabels(), run.describe());
        assertEquals(1, Records.read(records).decisions("greet").size(), run.describe());
        assertTrue(run.stdout().contains("startup_timeout='999999999d' is not a duration")
                || run.stderr().contains("startup_timeout='999999999d' is not a duration"), run.describe());
    }

    private Path policy() throws IOException {
        return Files.writeString(dir.resolve("policy.yaml"), DENY_ALL);
    }
}
