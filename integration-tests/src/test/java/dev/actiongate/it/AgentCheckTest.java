package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.apps.AgentCheckApp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application started without {@code -javaagent} is told so: opening a scope warns once, on
 * {@code System.Logger}, and {@code ActionGate.requireAgent()} refuses, naming the missing flag.
 * With the agent, neither happens.
 */
class AgentCheckTest {

    private static final String WARNING =
            "An ActionContext scope was opened but the ActionGate agent is not running" + " in this JVM";
    private static final List<String> CALLS = List.of("send 0", "send 1", "send 2", "send on thread");

    @TempDir
    Path dir;

    @OnEveryJdk
    void withoutTheAgentTheFirstScopeWarnsOnceAndRequireAgentThrows(Jdk jdk) {
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .withoutAgent()
                .main(AgentCheckApp.class)
                .run()
                .assertExit(0);
        assertNotRunning(run);
        // The truth without the agent: every body ran, undecided.
        AppOutput out = run.output();
        assertEquals(
                List.of(
                        "send someone@example.com",
                        "send someone@example.com",
                        "send someone@example.com",
                        "send other@example.com"),
                out.bodies(),
                run.describe());
        assertEquals(List.of(), out.deniedLabels(), run.describe());
    }

    @OnEveryJdk
    void anAgentDisabledWithEnabledFalseCountsAsNoAgent(Jdk jdk) {
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .records(null)
                .option("enabled=false")
                .main(AgentCheckApp.class)
                .run()
                .assertExit(0);
        assertNotRunning(run);
    }

    @OnEveryJdk
    void withTheAgentNothingWarnsAndRequireAgentReturns(Jdk jdk) throws Exception {
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .policy("""
                        version: "it-agent-check-1"
                        default: allow
                        """)
                .main(AgentCheckApp.class)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();
        assertEquals("true", out.fact("agentRunning"), why);
        assertEquals("returned", out.fact("requireAgent"), why);
        assertTrue(!run.stderr().contains("agent is not running"), why);
        for (String call : CALLS) {
            assertTrue(out.allowed(call), call + "\n" + why);
        }
        assertEquals("true", out.fact("done"), why);
    }

    private static void assertNotRunning(ForkedJvm.Run run) {
        AppOutput out = run.output();
        String why = run.describe();
        assertEquals("false", out.fact("agentRunning"), why);
        String refused = out.fact("requireAgent");
        assertTrue(
                refused.startsWith(
                        "java.lang.IllegalStateException: the ActionGate agent is not running in this" + " JVM"),
                why);
        assertTrue(refused.contains("-javaagent:/path/to/actiongate-agent.jar"), why);
        List<String> warnings =
                run.stderr().lines().filter(line -> line.contains(WARNING)).toList();
        assertEquals(1, warnings.size(), "one warning for four scopes on two threads\n" + why);
        assertTrue(
                warnings.get(0).contains("-javaagent:") && warnings.get(0).contains("ActionGate.requireAgent()"), why);
        assertTrue(run.stderr().contains("WARNING"), "logged on System.Logger at WARNING\n" + why);
        assertEquals("true", out.fact("done"), why);
    }
}
