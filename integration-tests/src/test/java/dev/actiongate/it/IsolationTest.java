package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.AppOutput.Denial;
import dev.actiongate.it.apps.BasicApp;
import dev.actiongate.it.apps.LegacyApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own libraries never meet the application's: an application with old versions of
 * the same libraries works, and sees the records through its own logging; the public API has one
 * identity whether or not the application ships the annotations jar.
 */
class IsolationTest {

    private static final String BASIC_POLICY = """
            version: "it-isolation-1"
            default: allow
            rules:
              - id: no-deletes
                action: delete_file
                verdict: deny
                reason: deleting is not allowed
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void anApplicationWithOldJacksonSlf4jAndLogbackWorksAndGetsTheRecordsThroughItsOwnLogger(Jdk jdk) throws Exception {
        AgentApp legacy = AgentApp.on(jdk, dir).policy("""
                version: "it-legacy-1"
                default: allow
                rules:
                  - id: large-invoice
                    action: issue_invoice
                    when: 'args.invoice.total > 10000 && args.invoice.currency == "EUR"'
                    verdict: deny
                    reason: invoices over 10000 need finance
                """);
        Path file = legacy.recordsFile();
        Path decisionsLog = dir.resolve("decisions.log");
        Path appLog = dir.resolve("app.log");
        Path logback = Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="DECISIONS" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%msg%%n</pattern></encoder>
                  </appender>
                  <appender name="APP" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%level %%logger %%msg%%n</pattern></encoder>
                  </appender>
                  <logger name="actiongate.decisions" level="INFO" additivity="false">
                    <appender-ref ref="DECISIONS"/>
                  </logger>
                  <root level="INFO">
                    <appender-ref ref="APP"/>
                  </root>
                </configuration>
                """.formatted(decisionsLog, appLog));
        ForkedJvm.Run run = legacy.property("logback.configurationFile", logback.toString())
                .classpath(AppClasspath.legacy())
                .main(LegacyApp.class)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        // the application runs on its own old libraries
        assertEquals("2.12.7", out.fact("jackson.version"), why);
        assertTrue(out.fact("jackson.jar").endsWith("/jackson-databind-2.12.7.jar"), out.fact("jackson.jar"));
        assertTrue(out.fact("slf4j.jar").endsWith("/slf4j-api-1.7.36.jar"), out.fact("slf4j.jar"));
        assertEquals("ch.qos.logback.classic.LoggerContext", out.fact("slf4j.factory"), why);
        assertTrue(
                out.fact("slf4j.factory.jar").endsWith("/logback-classic-1.2.13.jar"), out.fact("slf4j.factory.jar"));
        assertEquals("{\"number\":\"INV-0\",\"total\":1,\"currency\":\"EUR\"}", out.fact("roundtrip"), why);
        assertTrue(out.fact("bytebuddy.jar").endsWith("/byte-buddy-1.12.19.jar"), out.fact("bytebuddy.jar"));
        assertEquals("dev.actiongate.it.apps.LegacyGenerated", out.fact("bytebuddy.generated"), why);
        assertFalse(run.stderr().contains("SLF4J:"), "no SLF4J binding trouble\n" + why);

        // its governed calls are decided
        assertTrue(out.allowed("small") && out.bodyRan("issue_invoice INV-1"), why);
        Denial large = out.denied("large");
        assertEquals(List.of("large-invoice"), large.matchedRules(), why);
        assertFalse(out.bodyRan("issue_invoice INV-2"), why);

        // its own logging works, and carries nothing of the agent's
        List<String> app = Files.readAllLines(appLog);
        assertEquals(
                List.of(
                        "INFO legacy-app legacy app started",
                        "INFO legacy-app issued {\"number\":\"INV-1\",\"total\":120,\"currency\":\"EUR\"}",
                        "INFO legacy-app legacy app done"),
                app);
        // the agent logs through its own Logback, to stderr, whatever the application configures
        assertTrue(
                run.stderr().lines().anyMatch(line -> line.contains("[actiongate] INFO") && line.contains(" started")),
                why);

        // every record also went to the application's logger actiongate.decisions, line for line
        // the records that name and seal the log are the writer's, not a governed call's: not forwarded
        List<String> records = Files.readAllLines(file).stream()
                .filter(line -> !Records.sealing(line))
                .toList();
        Records written = Records.read(file);
        assertEquals(List.of("issue_invoice allow", "issue_invoice deny"), written.verdicts(), "small, then large");
        assertEquals(List.of("issue_invoice returned"), written.outcomeSummaries(), "only small ran");
        List<String> forwarded = Files.readAllLines(decisionsLog);
        assertEquals(
                records.size(),
                forwarded.size(),
                "records that reached the application's SLF4J logger "
                        + "'actiongate.decisions' (its logback.xml appends them to " + decisionsLog + ")");
        assertEquals(records, forwarded, "the application's logger gets each record line as written");
        JsonNode decision = written.decision(large.decisionId());
        assertEquals(
                50_000, decision.get("arguments").get("invoice").get("total").asLong());
    }

    @OnEveryJdk
    void anApplicationWithoutTheAnnotationsJarCatchesTheAgentsException(Jdk jdk) throws Exception {
        ForkedJvm.Run run = runBasicApp(jdk, AppClasspath.appsOnly());
        assertFalse(run.command().toString().contains("actiongate-annotations"), "the jar is not on the class path");
        assertOneApiIdentity(run);
    }

    @OnEveryJdk
    void anApplicationWithTheAnnotationsJarSharesTheAgentsClasses(Jdk jdk) throws Exception {
        ForkedJvm.Run run = runBasicApp(jdk, AppClasspath.basic());
        assertOneApiIdentity(run);
    }

    private ForkedJvm.Run runBasicApp(Jdk jdk, List<Path> classpath) throws Exception {
        return AgentApp.on(jdk, dir)
                .policy(BASIC_POLICY)
                .classpath(classpath)
                .main(BasicApp.class)
                .run()
                .assertExit(0);
    }

    private void assertOneApiIdentity(ForkedJvm.Run run) {
        AppOutput out = run.output();
        String why = run.describe();
        for (String type : List.of("GovernedAction", "ActionDeniedException", "ActionContext")) {
            assertEquals(
                    "bootstrap", out.fact("loader." + type), type + " comes from the agent's bootstrap path\n" + why);
        }
        assertTrue(out.allowed("greet world") && out.bodyRan("greet world"), why);
        Denial delete = out.denied("delete");
        assertEquals("deleting is not allowed", delete.reason(), why);
        assertFalse(out.bodyRan("delete_file /srv/data/report.csv"), why);
        assertTrue(out.allowed("transfer"), why);
        assertEquals("true", out.fact("done"), why);
        JsonNode record = Records.read(dir.resolve("records.jsonl")).decision(delete.decisionId());
        assertEquals("basic-app", record.get("actor").asText(), "ActionContext works too");
    }
}
