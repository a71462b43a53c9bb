package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.ProxyApp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * One call through a generated proxy is one decision, named after the application's method with
 * its parameter names: a JDK proxy forwarding to a governed target, a JDK proxy whose handler
 * does the work itself (which must not escape the gate), a JDK proxy of a package-private
 * interface, and a Byte Buddy subclass calling its super method. A proxy that forwards other
 * arguments than it was called with gets no free pass: the target's call is decided too.
 */
class ProxyTest {

    private static final String POLICY = """
            version: "it-proxy-1"
            rules:
              - id: small-payments
                action: pay
                when: 'args.cents <= 1000 && args.account != "blocked"'
                verdict: allow
            """;

    private static final String INTERFACE = "dev.actiongate.it.apps.ProxyApp$Payments#pay(java.lang.String,long)";
    private static final String HIDDEN = "dev.actiongate.it.apps.ProxyApp$HiddenPayments#pay(java.lang.String,long)";
    private static final String TARGET = "dev.actiongate.it.apps.ProxyApp$RealPayments#pay(java.lang.String,long)";

    @TempDir
    Path dir;

    @OnEveryJdk
    void eachCallThroughAProxyIsDecidedOnceUnderTheApplicationsNames(Jdk jdk) throws Exception {
        Path records = dir.resolve("records.jsonl");
        List<String> calls = List.of(
                "forwarding:acme:500",
                "forwarding:acme:5000",
                "self:acme:700",
                "self:blocked:1",
                "hidden:acme:600",
                "hidden:acme:6000",
                "subclass:acme:300",
                "subclass:blocked:2",
                "rewriting:acme:600");
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .classpath(AppClasspath.byteBuddy())
                .main(ProxyApp.class, calls.toArray(String[]::new))
                .run()
                .assertExit(0);
        String why = run.describe();
        AppOutput out = run.output();
        assertTrue(out.fact("class.forwarding").matches("(jdk\\.proxy\\d+|com\\.sun\\.proxy)\\.\\$Proxy\\d+"), why);
        assertTrue(out.fact("class.hidden").matches("dev\\.actiongate\\.it\\.apps\\.\\$Proxy\\d+"), why);
        assertTrue(out.fact("class.subclass").contains("$ByteBuddy$"), why);
        assertEquals(
                List.of(
                        "forwarding:acme:5000",
                        "self:blocked:1",
                        "hidden:acme:6000",
                        "subclass:blocked:2",
                        "rewriting:acme:600"),
                out.deniedLabels(),
                why);
        assertEquals(List.of("pay acme 500", "self acme 700", "pay acme 600", "pay acme 300"), out.bodies(), why);

        Records written = Records.read(records);
        List<JsonNode> decisions = written.decisions("pay");
        // one per call, and one more for the target a rewriting proxy called with other arguments
        assertEquals(calls.size() + 1, decisions.size(), why + "\n" + decisions);
        assertDecision(decisions.get(0), INTERFACE, "acme", 500, "allow");
        assertDecision(decisions.get(1), INTERFACE, "acme", 5000, "deny");
        assertDecision(decisions.get(2), INTERFACE, "acme", 700, "allow");
        assertDecision(decisions.get(3), INTERFACE, "blocked", 1, "deny");
        assertDecision(decisions.get(4), HIDDEN, "acme", 600, "allow");
        assertDecision(decisions.get(5), HIDDEN, "acme", 6000, "deny");
        assertDecision(decisions.get(6), TARGET, "acme", 300, "allow");
        assertDecision(decisions.get(7), TARGET, "blocked", 2, "deny");
        assertDecision(decisions.get(8), INTERFACE, "acme", 600, "allow");
        assertDecision(decisions.get(9), TARGET, "acme", 1200, "deny");
        List<List<String>> ids = written.allowedAndOutcomeIds();
        assertEquals(ids.get(0), ids.get(1), "one outcome per allowed call\n" + written.outcomes());
        for (JsonNode decision : decisions) {
            if (decision.path("verdict").asText().equals("allow")) {
                assertTrue(
                        written.outcome(decision.path("decision_id").asText()).isPresent(), decision.toString());
            }
        }
        ForkedJvm.agentCli(jdk, "verify", records.toString()).assertExit(0);
    }

    private static void assertDecision(JsonNode decision, String method, String account, long cents, String verdict) {
        assertEquals(method, decision.path("method").asText(), decision.toString());
        assertEquals(account, decision.path("arguments").path("account").asText(), decision.toString());
        assertEquals(cents, decision.path("arguments").path("cents").asLong(), decision.toString());
        assertEquals(verdict, decision.path("verdict").asText(), decision.toString());
    }
}
