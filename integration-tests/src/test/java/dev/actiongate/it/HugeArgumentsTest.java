package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.HugeArgumentsApp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arguments no one should pass but someone will: a 5 MB string, 200,000 rows, a map nested 50
 * deep, an object that refers to itself. The policy still sees all of the first two, the record
 * keeps a bounded summary that says what was cut, and a condition that reads the unconvertible
 * object denies, naming its rule, while one that does not still decides.
 */
class HugeArgumentsTest {

    @TempDir
    Path dir;

    @OnEveryJdk
    void hugeArgumentsAreDecidedOnWhollyAndRecordedInBrief(Jdk jdk) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: "it-huge-1"
                default: deny
                rules:
                  - id: bulk-import
                    action: import_rows
                    when: 'size(args.note) == 5000000 && size(args.rows) == 200000 && args.rows[199999] == "row-199999"'
                    verdict: allow
                  - id: chain-of-one
                    action: inspect_chain
                    when: 'args.chain.id == 1'
                    verdict: allow
                """);
        Path file = dir.resolve("records.jsonl");
        ForkedJvm.Run run = ForkedJvm.on(jdk).agent("policy=" + policy + ",records=" + file)
                .classpath(AppClasspath.basic()).main(HugeArgumentsApp.class).run().assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        assertTrue(out.allowed("import"), why);
        assertTrue(out.bodyRan("import_rows 200000"), why);
        AppOutput.Denial inspect = out.denied("inspect");
        assertEquals("deny", inspect.verdict(), why);
        assertTrue(inspect.matchedRules().contains("chain-of-one"), why);
        assertTrue(inspect.reason().contains("rule 'chain-of-one' could not be evaluated"), why);

        Records records = Records.read(file);
        JsonNode arguments = records.decisions("import_rows").get(0).get("arguments");
        assertTrue(arguments.get("note").asText().endsWith("...[truncated, 5000000 chars]"), arguments.toString());
        assertEquals(101, arguments.get("rows").size(), "100 rows and what was left out");
        assertEquals("[199900 more items]", arguments.get("rows").get(100).asText());
        assertTrue(arguments.toString().contains("[nested too deep]"), arguments.toString());
        assertTrue(arguments.get("chain").asText().startsWith("<unconvertible "), arguments.toString());
        assertTrue(Files.size(file) < 64 * 1024, "records stay small: " + Files.size(file) + " bytes");
        ForkedJvm.agentCli(jdk, "verify", file.toString()).assertExit(0);
        long millis = Long.parseLong(out.fact("millis.import"));
        assertTrue(millis < 10_000, "deciding on 5 MB and 200,000 rows took " + millis + " ms\n" + why);
    }
}
