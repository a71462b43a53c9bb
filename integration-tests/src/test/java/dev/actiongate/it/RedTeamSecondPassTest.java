package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.apps.BasicApp;
import dev.actiongate.it.apps.ReattachApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

    /**
     * Attach, detach, attach again: every governed method is governed again, and so is every lambda
     * made after the second attach, at a call site linked before the first attach, while attached,
     * or while the agent was detached. The JDK proxy classes loaded before an attach (the ones that
     * wrap governed lambdas, and a handler that does the work itself) were left out of the
     * attach's pass over loaded classes for their {@code jdk.proxy} names: such a proxy's calls ran
     * undecided, and after a re-attach every governed lambda was refused with no decision.
     */
    @OnEveryJdk
    void aSecondAttachGovernsEverythingTheFirstDidLambdasIncluded(Jdk jdk) throws Exception {
        Path records = dir.resolve("records.jsonl");
        String agentArgs = "policy=" + policy() + ",records=" + records;
        Path started = dir.resolve("started");
        Path attached = dir.resolve("attached");
        Path firstDone = dir.resolve("first-done");
        Path detached = dir.resolve("detached");
        Path detachedDone = dir.resolve("detached-done");
        Path reattached = dir.resolve("reattached");
        ForkedJvm app = ForkedJvm.on(jdk).classpath(AppClasspath.basic())
                .jvmOption("-XX:+EnableDynamicAgentLoading")
                .main(ReattachApp.class, "lambda-a:pre-a", "proxy:pre-p", "mark:" + started, "gate:" + attached,
                        "class:first-class", "proxy:first-p", "lambda-a:first-a", "lambda-c:first-c", "mark:" + firstDone,
                        "gate:" + detached, "lambda-b:detached-b", "class:detached-class", "mark:" + detachedDone,
                        "gate:" + reattached, "class:second-class", "lambda-a:second-a", "lambda-b:second-b",
                        "lambda-c:second-c", "proxy:second-p")
                .timeout(Duration.ofSeconds(90));
        CompletableFuture<ForkedJvm.Run> running = CompletableFuture.supplyAsync(app::run);
        try {
            awaitFile(started);
            String pid = pidOf(started);
            ForkedJvm.agentCli(jdk, "attach", pid, agentArgs).assertExit(0);
            Files.createFile(attached);
            awaitFile(firstDone);
            ForkedJvm.agentCli(jdk, "detach", pid).assertExit(0);
            Files.createFile(detached);
            awaitFile(detachedDone);
            ForkedJvm.agentCli(jdk, "attach", pid, agentArgs).assertExit(0);
            Files.createFile(reattached);

            ForkedJvm.Run run = running.get().assertExit(0);
            AppOutput out = run.output();
            assertEquals(List.of("tool a pre-a", "tool proxy pre-p", "tool b detached-b", "send detached-class"), out.bodies(),
                    "only the calls made without the agent run their body\n" + run.describe());
            assertEquals(List.of("first-class", "first-p", "first-a", "first-c", "second-class", "second-a",
                    "second-b", "second-c", "second-p"), out.deniedLabels(), run.describe());
            assertEquals(9, Records.read(records).decisions().size(), "each call made while attached is recorded\n"
                    + run.describe());
        } finally {
            running.cancel(true);
            ForkedJvm.stopAll(started.toString());
        }
    }

    private static String pidOf(Path marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(marker.toString())).orElse(false))
                .map(p -> Long.toString(p.pid())).findFirst().orElseThrow();
    }

    private static void awaitFile(Path file) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            AdminClient.sleep(50);
        }
        assertTrue(Files.exists(file), "the application never got to " + file);
    }

    private Path policy() throws IOException {
        return Files.writeString(dir.resolve("policy.yaml"), DENY_ALL);
    }
}
