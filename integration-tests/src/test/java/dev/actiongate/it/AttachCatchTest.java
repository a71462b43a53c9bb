package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.AttachCatchApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent attached to a running application that ships its own copy of the ActionGate API:
 * whichever classes of that copy the application happened to load before the attach, its
 * {@code catch (ActionDeniedException e)} catches every denial and every pending approval, and
 * the context is read from the copy its scopes are opened with. Before the fix, an application
 * that had loaded only its {@code ActionDeniedException} missed every denial (the agent threw the
 * bootstrap copy), and one that had loaded only {@code ActionContext} broke at its next
 * {@code ActionContext.builder()} with an {@code IllegalAccessError}.
 */
class AttachCatchTest {

    private static final String POLICY = """
            version: "it-attach-catch-1"
            default: deny
            groups:
              owners: [olivia]
            rules:
              - id: needs-approval
                action: send_customer_email
                when: 'args.to.startsWith("ff")'
                verdict: require_approval
                approvers: [group:owners]
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void nothingLoadedBeforeTheAttachAndAChildFirstLoader(Jdk jdk) throws Exception {
        AppOutput out = attachBetween(
                jdk,
                List.of(),
                List.of(
                        "call:plain",
                        "call:scoped:scope",
                        "call:ff-a:fail_fast",
                        "child:child-plain",
                        "child:child-scoped:scope",
                        "child:ff-child:fail_fast"));
        assertCaught(out, "plain", "bootstrap");
        assertCaught(out, "scoped", "bootstrap");
        assertPending(out, "ff-a", "bootstrap");
        assertCaught(out, "child-plain", "child-first");
        assertCaught(out, "child-scoped", "child-first");
        assertPending(out, "ff-child", "child-first");
        assertActors(List.of("-", "attach-bot", "attach-bot", "-", "attach-bot", "attach-bot"));
    }

    @OnEveryJdk
    void contextLoadedBeforeTheAttach(Jdk jdk) throws Exception {
        AppOutput out = attachBetween(
                jdk, List.of("load:ActionContext"), List.of("call:scoped:scope", "call:ff-b:fail_fast", "call:plain"));
        assertCaught(out, "scoped", "application");
        assertPending(out, "ff-b", "application");
        assertCaught(out, "plain", "application");
        assertActors(List.of("attach-bot", "attach-bot", "-"));
    }

    @OnEveryJdk
    void exceptionLoadedBeforeTheAttach(Jdk jdk) throws Exception {
        AppOutput out = attachBetween(
                jdk,
                List.of("load:ActionDeniedException"),
                List.of("call:plain", "call:scoped:scope", "call:ff-c:fail_fast"));
        assertCaught(out, "plain", "application");
        assertCaught(out, "scoped", "application");
        assertPending(out, "ff-c", "application");
        assertActors(List.of("-", "attach-bot", "attach-bot"));
    }

    private Path records() {
        return dir.resolve("records.jsonl");
    }

    /** Runs the application with {@code before}, attaches the agent, then runs {@code after}. */
    private AppOutput attachBetween(Jdk jdk, List<String> before, List<String> after) {
        List<String> steps = new ArrayList<>(before);
        steps.add("mark:ready");
        steps.add("gate:attached");
        steps.addAll(after);
        AgentApp setup = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .option("admin_port=0,admin_token=attach-catch-token-0123456789abcdef")
                .withoutAgent()
                .jvmOption("-XX:+EnableDynamicAgentLoading")
                .main(AttachCatchApp.class, steps.toArray(String[]::new));
        try (AgentApp.Running app = setup.start()) {
            app.awaitMark("ready");
            ForkedJvm.agentCli(jdk, "attach", Long.toString(app.jvm().pid()), setup.agentArgs())
                    .assertExit(0);
            app.signal("attached");
            ForkedJvm.Run run = app.finish().assertExit(0);
            assertTrue(
                    run.stdout().lines().noneMatch(line -> line.startsWith("MISSED ")),
                    "the application's catch missed a denial\n" + run.describe());
            return run.output();
        }
    }

    /** The call was denied and caught as an {@code ActionDeniedException} from {@code origin}. */
    private static void assertCaught(AppOutput out, String label, String origin) {
        assertCaughtAs(out, "CAUGHT " + label, "dev.actiongate.ActionDeniedException", "deny", origin);
    }

    /** The fail-fast call was caught by {@code catch (ActionDeniedException e)} as a pending approval. */
    private static void assertPending(AppOutput out, String label, String origin) {
        assertCaughtAs(out, "PENDING " + label, "dev.actiongate.ApprovalPendingException", "approval_pending", origin);
    }

    /** The line that begins with {@code caught} and a tab names {@code exception}, {@code verdict} and its {@code origin}. */
    private static void assertCaughtAs(AppOutput out, String caught, String exception, String verdict, String origin) {
        String line = line(out, caught + "\t");
        String[] parts = line.split("\t");
        assertEquals(exception, parts[1], line);
        assertEquals(verdict, parts[2], line);
        assertEquals(origin, parts[3], "the copy the caller's class loader resolves: " + line);
    }

    private static String line(AppOutput out, String prefix) {
        return out.lines().stream()
                .filter(line -> line.startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no line " + prefix.trim() + "\n" + out.run().describe()));
    }

    /** Each decision's actor, {@code -} when none: read from the copy the scope was opened with. */
    private void assertActors(List<String> expected) {
        List<JsonNode> decisions = Records.read(records()).decisions();
        assertEquals(
                expected,
                decisions.stream()
                        .map(d ->
                                d.path("actor").isNull() ? "-" : d.path("actor").asText())
                        .toList(),
                decisions.toString());
    }
}
