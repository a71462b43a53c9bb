package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.UnannotatedApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@code govern:} entry governs whatever syntax the policy file writes it in: what {@code check}
 * reports and what the agent instruments come from the one parsed document.
 */
class GovernSyntaxTest {

    private static final String NOTIFIER = UnannotatedApp.Notifier.class.getName() + "#deliver";

    /** The same policy: one govern entry, one rule that denies one address. */
    record Syntax(String name, String policy) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * JSON, the syntax furthest from the block YAML the other tests write. That every syntax
     * ({@code govern :}, a quoted key, flow style, JSON, escapes) yields the same entries for the
     * loader, for {@code check} and for the agent's early read is {@code PolicyLoaderTest}'s, in-process.
     */
    static Stream<Syntax> syntaxes() {
        return Stream.of(new Syntax("JSON", """
                        {
                          "version": "it-govern-json",
                          "govern": [{"method": "%s", "action": "notify_customer"}],
                          "default": "allow",
                          "rules": [{"id": "blocked", "action": "notify_customer",
                                     "when": "args.to.endsWith(\\"@blocked.example\\")", "verdict": "deny"}]
                        }
                        """.formatted(NOTIFIER)));
    }

    static Stream<Arguments> everyJdkAndSyntax() {
        return Jdk.all().flatMap(jdk -> syntaxes().map(syntax -> Arguments.of(jdk, syntax)));
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("everyJdkAndSyntax")
    void theGovernEntryIsGovernedAndCheckSaysSo(Jdk jdk, Syntax syntax) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), syntax.policy());
        Path records = dir.resolve("records.jsonl");

        ForkedJvm.Run check =
                ForkedJvm.agentCli(jdk, "check", policy.toString()).assertExit(0);
        assertTrue(
                check.stdout().contains(policy + ":3: governs " + NOTIFIER + " as action 'notify_customer'"),
                check.describe());

        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .policyFile(policy)
                .main(UnannotatedApp.class, "ann@acme.example", "eve@blocked.example")
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();
        assertTrue(out.allowed("notify ann@acme.example"), why);
        AppOutput.Denial denied = out.denied("notify eve@blocked.example");
        assertEquals("notify_customer", denied.action(), why);
        assertEquals(List.of("blocked"), denied.matchedRules(), why);
        assertEquals(List.of("notify ann@acme.example"), out.bodies(), "the denied body never ran\n" + why);

        Records written = Records.read(records);
        assertEquals(List.of("notify_customer allow", "notify_customer deny"), written.verdicts(), why);
        List<JsonNode> decisions = written.decisions();
        assertTrue(decisions.get(1).get("policy_version").asText().startsWith("it-govern-"), decisions.toString());
    }
}
