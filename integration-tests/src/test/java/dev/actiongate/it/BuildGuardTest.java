package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.AppOutput.Denial;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build guard, run on a service's compiled classes as its build would, makes a governed
 * method deny every call in a JVM without the agent, and leaves the agent the one decision per
 * call when it runs.
 */
class BuildGuardTest {

    private static final String APP = "dev.actiongate.it.guarded.GuardedApp";
    private static final String SOURCE = """
            package dev.actiongate.it.guarded;

            import dev.actiongate.GovernedAction;
            import dev.actiongate.it.apps.Probe;

            public final class GuardedApp {
                public interface Sender {
                    @GovernedAction("send_mail")
                    void send(String to);
                }

                public static final class SmtpSender implements Sender {
                    @Override
                    public void send(String to) {
                        Probe.body("send " + to);
                    }
                }

                public static final class Storage {
                    @GovernedAction("delete_file")
                    public static void delete(String path) {
                        Probe.body("delete " + path);
                    }
                }

                public static void main(String[] args) {
                    Sender sender = new SmtpSender();
                    Probe.attempt("send", () -> sender.send("a@example.com"));
                    Probe.attempt("delete", () -> Storage.delete("/srv/report.csv"));
                    Probe.attempt("send again", () -> sender.send("b@example.com"));
                    Probe.fact("done", true);
                }
            }
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void withoutTheAgentEveryGuardedCallIsDeniedNamingTheMissingJavaagent(Jdk jdk) throws Exception {
        Path classes = guardedApp(jdk);
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .withoutAgent()
                .classpath(appClasspath(classes))
                .mainClass(APP)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();
        assertEquals(List.of("send", "delete", "send again"), out.deniedLabels(), why);
        assertEquals(List.of(), out.bodies(), "no governed body ran\n" + why);
        Denial send = out.denied("send");
        assertEquals("deny", send.verdict(), why);
        assertEquals("send_mail", send.action(), why);
        assertNull(send.decisionId(), "no agent, no record\n" + why);
        assertTrue(
                send.reason()
                        .startsWith("denied by the ActionGate build guard: the ActionGate agent is not"
                                + " running in this JVM"),
                why);
        assertTrue(send.reason().contains("-javaagent:/path/to/actiongate-agent.jar"), why);
        assertEquals("delete_file", out.denied("delete").action(), why);
        assertEquals("true", out.fact("done"), why);
    }

    @OnEveryJdk
    void withTheAgentEachCallIsDecidedOnceByThePolicy(Jdk jdk) throws Exception {
        Path classes = guardedApp(jdk);
        AgentApp.Result result = AgentApp.on(jdk, dir)
                .policy("""
                version: "it-build-guard-1"
                rules:
                  - id: mail
                    action: send_mail
                    verdict: allow
                  - id: no-deletes
                    action: delete_file
                    verdict: deny
                    reason: "deleting is not allowed"
                """)
                .classpath(appClasspath(classes))
                .mainClass(APP)
                .run();
        ForkedJvm.Run run = result.assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();
        assertTrue(out.allowed("send") && out.allowed("send again"), why);
        assertEquals(List.of("send a@example.com", "send b@example.com"), out.bodies(), why);
        Denial delete = out.denied("delete");
        assertEquals(List.of("no-deletes"), delete.matchedRules(), "the policy decided, not the guard\n" + why);
        assertEquals("deleting is not allowed", delete.reason(), why);

        assertEquals(
                List.of("send_mail allow", "delete_file deny", "send_mail allow"),
                result.records().verdicts(),
                "one decision per call, by the policy\n" + why);
    }

    /** Compiles the application and guards it, twice, as two builds without {@code clean} would. */
    private Path guardedApp(Jdk jdk) throws Exception {
        Path classes = CompiledApp.compile(dir, APP, SOURCE, List.of("-parameters"));
        String classPath =
                AppClasspath.basic().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        List<Path> guardPath = List.of(
                locationOf("dev.actiongate.buildguard.BuildGuard"),
                locationOf("net.bytebuddy.ByteBuddy"),
                locationOf("dev.actiongate.ActionGate"));
        ForkedJvm guard = ForkedJvm.on(jdk)
                .classpath(guardPath)
                .mainClass("dev.actiongate.buildguard.BuildGuard", "--classpath", classPath, classes.toString());
        ForkedJvm.Run first = guard.run().assertExit(0);
        assertTrue(
                first.stdout()
                        .startsWith("ActionGate build guard: 2 classes in " + classes.toAbsolutePath() + " guarded"),
                "SmtpSender and Storage are guarded, the interface has no body\n" + first.describe());
        ForkedJvm.Run again = guard.run().assertExit(0);
        assertTrue(
                again.stdout().startsWith("ActionGate build guard: 0 classes"),
                "nothing is guarded twice\n" + again.describe());
        return classes;
    }

    private static List<Path> appClasspath(Path classes) {
        List<Path> path = new ArrayList<>(List.of(classes));
        path.addAll(AppClasspath.basic());
        return path;
    }

    private static Path locationOf(String className) throws ClassNotFoundException, URISyntaxException {
        return Path.of(Class.forName(className, false, BuildGuardTest.class.getClassLoader())
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }
}
