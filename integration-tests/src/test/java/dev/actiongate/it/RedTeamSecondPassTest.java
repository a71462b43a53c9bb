package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.apps.BasicApp;
import dev.actiongate.it.apps.ReattachApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up, records file and attach paths tried as an attacker or a careless operator would: a
 * governed body never runs without a decision and a record, and the application keeps running.
 */
class RedTeamSecondPassTest {

    @TempDir
    Path dir;

    /**
     * An operator who means "no deadline" writes a huge one: its nanoseconds overflow a long. That
     * threw out of the agent's start after the configuration was resolved, and the launcher left
     * every governed method uninstrumented: the bodies ran undecided.
     */
    @OnEveryJdk
    void aStartupTimeoutTooLargeForNanosecondsIsABadValueNotAnUngovernedJvm(Jdk jdk) {
        AgentApp.Result result = AgentApp.on(jdk, dir)
                .policy(Policies.DENY_ALL)
                .option("startup_timeout=999999999d")
                .main(BasicApp.class)
                .run();
        ForkedJvm.Run run = result.assertExit(0);
        AppOutput out = run.output();
        out.assertOnlyDenied(BasicApp.CALLS);
        assertEquals(List.of("deny"), result.records().verdicts("greet"), run.describe());
        assertTrue(
                run.stdout().contains("startup_timeout='999999999d' is not a duration")
                        || run.stderr().contains("startup_timeout='999999999d' is not a duration"),
                run.describe());
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
        AgentApp setup = AgentApp.on(jdk, dir)
                .policy(Policies.DENY_ALL)
                .withoutAgent()
                .jvmOption("-XX:+EnableDynamicAgentLoading")
                .main(
                        ReattachApp.class,
                        "lambda-a:pre-a",
                        "proxy:pre-p",
                        "mark:started",
                        "gate:attached",
                        "class:first-class",
                        "proxy:first-p",
                        "lambda-a:first-a",
                        "lambda-c:first-c",
                        "mark:first-done",
                        "gate:detached",
                        "lambda-b:detached-b",
                        "class:detached-class",
                        "mark:detached-done",
                        "gate:reattached",
                        "class:second-class",
                        "lambda-a:second-a",
                        "lambda-b:second-b",
                        "lambda-c:second-c",
                        "proxy:second-p")
                .timeout(Duration.ofSeconds(90));
        String agentArgs = setup.agentArgs();
        try (AgentApp.Running app = setup.start()) {
            app.awaitMark("started");
            String pid = Long.toString(app.jvm().pid());
            ForkedJvm.agentCli(jdk, "attach", pid, agentArgs).assertExit(0);
            app.signal("attached");
            app.awaitMark("first-done");
            ForkedJvm.agentCli(jdk, "detach", pid).assertExit(0);
            app.signal("detached");
            app.awaitMark("detached-done");
            ForkedJvm.agentCli(jdk, "attach", pid, agentArgs).assertExit(0);
            app.signal("reattached");

            ForkedJvm.Run run = app.finish().assertExit(0);
            AppOutput out = run.output();
            assertEquals(
                    List.of("tool a pre-a", "tool proxy pre-p", "tool b detached-b", "send detached-class"),
                    out.bodies(),
                    "only the calls made without the agent run their body\n" + run.describe());
            assertEquals(
                    List.of(
                            "first-class",
                            "first-p",
                            "first-a",
                            "first-c",
                            "second-class",
                            "second-a",
                            "second-b",
                            "second-c",
                            "second-p"),
                    out.deniedLabels(),
                    run.describe());
            assertEquals(
                    9,
                    app.records().decisions().size(),
                    "each call made while attached is recorded\n" + run.describe());
        }
    }
}
