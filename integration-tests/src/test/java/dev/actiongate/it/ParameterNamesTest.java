package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.AppOutput.Denial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * A governed method compiled without {@code -parameters} (Maven's and Gradle's default) has no
 * parameter names in its class file: every {@code args.<name>} condition then fails. The agent
 * says so once per such method, naming it and the fix; {@code args.arg0} still works.
 */
class ParameterNamesTest {

    private static final String APP = "dev.actiongate.it.compiled.UnnamedParametersApp";
    private static final String SOURCE = """
            package dev.actiongate.it.compiled;

            import dev.actiongate.GovernedAction;
            import dev.actiongate.it.apps.BasicApp;
            import dev.actiongate.it.apps.Probe;

            public final class UnnamedParametersApp {
                public static final class Mailer {
                    @GovernedAction("send_mail")
                    public void send(String to, String subject) {
                        Probe.body("send " + to);
                    }
                }

                public static void main(String[] args) {
                    Mailer mailer = new Mailer();
                    for (int i = 0; i < 3; i++) {
                        Probe.attempt("send ok " + i, () -> mailer.send("ok@example.com", "hello"));
                    }
                    Probe.attempt("send blocked", () -> mailer.send("x@blocked.example", "hello"));
                    // BasicApp is compiled with -parameters: no warning for it.
                    Probe.attempt("greet", () -> new BasicApp.Greeter().greet("named"));
                    Probe.fact("done", true);
                }
            }
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void aMethodWithoutParameterNamesIsReportedOnceAndArgNStillWorks(Jdk jdk) throws Exception {
        // -g as Maven compiles by default: debug information does not give the class file parameter names.
        Path classes = CompiledApp.compile(dir, APP, SOURCE, List.of("-g"));
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: "it-parameter-names-1"
                rules:
                  - id: blocked-destination
                    action: send_mail
                    when: 'args.arg0.endsWith("@blocked.example")'
                    verdict: deny
                    reason: "destination is blocked"
                  - id: mail
                    action: send_mail
                    verdict: allow
                  - id: greet-by-name
                    action: greet
                    when: 'args.name == "named"'
                    verdict: allow
                """);
        List<Path> classpath = new ArrayList<>(List.of(classes));
        classpath.addAll(AppClasspath.basic());
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .policyFile(policy)
                .classpath(classpath)
                .mainClass(APP)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        List<String> warnings = run.stderr()
                .lines()
                .filter(line -> line.contains("has no parameter names"))
                .toList();
        assertEquals(1, warnings.size(), "one warning, for the one method without names\n" + why);
        String warning = warnings.get(0);
        assertTrue(warning.contains("WARN"), why);
        assertTrue(
                warning.contains("governed method " + APP + "$Mailer#send(java.lang.String,java.lang.String)"
                        + " (action 'send_mail')"),
                why);
        assertTrue(warning.contains("args.arg0"), why);
        assertTrue(warning.contains("Compile " + APP + "$Mailer with -parameters"), why);
        assertTrue(warning.contains("<parameters>true</parameters>"), why);

        assertTrue(out.allowed("send ok 0") && out.allowed("send ok 1") && out.allowed("send ok 2"), why);
        Denial blocked = out.denied("send blocked");
        assertTrue(blocked.matchedRules().contains("blocked-destination"), why);
        assertEquals("destination is blocked", blocked.reason(), why);
        assertTrue(out.allowed("greet"), "a method compiled with -parameters is decided by name\n" + why);
        assertEquals("true", out.fact("done"), why);
    }
}
