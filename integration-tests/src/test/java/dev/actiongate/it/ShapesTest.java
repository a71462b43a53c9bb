package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.ShapesApp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shape an implementation of an annotated interface method can take is governed: a class,
 * a lambda, method references to a static and to an instance method, and a method inherited
 * from a superclass that does not implement the interface. Each call through the interface is
 * decided once, with the interface's parameter names; the superclass called directly is not.
 */
class ShapesTest {

    private static final String POLICY = """
            version: "shapes-1"
            default: deny
            rules:
              - id: only-bob
                action: notify_user
                when: 'args.user == "bob" && args.text == "hi"'
                verdict: allow
            """;

    private static final List<String> SHAPES =
            List.of("class", "lambda", "static reference", "instance reference", "inherited");

    @TempDir
    Path dir;

    @OnEveryJdk
    void everyShapeOfAnImplementationIsDecidedOnceWithItsParameterNames(Jdk jdk) throws IOException {
        Path records = dir.resolve("records.jsonl");
        AppOutput out = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .main(ShapesApp.class)
                .run()
                .assertExit(0)
                .output();
        for (String shape : SHAPES) {
            AppOutput.Denial denial = out.denied(shape + " ann");
            assertEquals(
                    "",
                    String.join(",", denial.matchedRules()),
                    shape + ": denied by the default, not by a rule that failed to read an argument\n"
                            + out.run().describe());
            assertTrue(
                    out.allowed(shape + " bob"),
                    shape + " bob is allowed\n" + out.run().describe());
            assertTrue(out.bodyRan(shape + " bob"), out.run().describe());
        }
        List<String> expected = new java.util.ArrayList<>(
                SHAPES.stream().map(shape -> shape + " bob").toList());
        expected.add("inherited carl");
        assertEquals(
                expected,
                out.bodies(),
                "only the allowed bodies ran\n" + out.run().describe());
        assertEquals("sent", out.fact("plain sender direct"), "the superclass called directly is not governed");
        assertEquals("true", out.fact("lambda equals itself"), out.run().describe());
        List<JsonNode> decisions = Records.read(records).decisions("notify_user");
        assertEquals(2 * SHAPES.size(), decisions.size(), "one decision per call through the interface");
        for (JsonNode decision : decisions) {
            assertTrue(decision.get("arguments").has("user"), "named arguments: " + decision);
        }
    }
}
