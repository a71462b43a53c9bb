package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.HugeArgumentsApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arguments no one should pass but someone will: a 5 MB string, 200,000 rows, a map nested 50
 * deep, an object that refers to itself. With a conversion budget the operator raised for them
 * ({@code args_max_nodes}), the policy still sees all of the first two (a string passed as it is
 * costs no budget), the record keeps a bounded summary that says what was cut, the self-referring
 * object is read as far as a condition follows it, and a getter that fails denies by the rule that
 * read it. {@link HostileArgumentsTest} shows what the default budget does with arguments no
 * budget could hold.
 */
class HugeArgumentsTest {

    @TempDir
    Path dir;

    @OnEveryJdk
    void hugeArgumentsAreDecidedOnWhollyAndRecordedInBrief(Jdk jdk) throws Exception {
        Path file = dir.resolve("records.jsonl");
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .jdkDefaults()
                .policy("""
                    version: "it-huge-1"
                    default: deny
                    rules:
                      - id: bulk-import
                        action: import_rows
                        when: 'size(args.note) == 5000000 && size(args.rows) == 200000 && args.rows[199999] == "row-199999"'
                        verdict: allow
                      - id: chain-of-one
                        action: inspect_chain
                        when: 'args.chain.next.next.id == 1'
                        verdict: allow
                      - id: status-known
                        action: check_status
                        when: 'args.chain.status != "down"'
                        verdict: allow
                    """)
                // 200,000 rows and the rest: more than the default 10,000 elements
                .option("args_max_nodes=250000")
                .main(HugeArgumentsApp.class)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        assertTrue(out.allowed("import"), why);
        assertTrue(out.bodyRan("import_rows 200000"), why);
        assertTrue(out.allowed("inspect"), why);
        AppOutput.Denial status = out.denied("status");
        assertEquals("deny", status.verdict(), why);
        assertEquals(List.of("status-known"), status.matchedRules(), why);
        assertTrue(status.reason().contains("rule 'status-known' could not be evaluated"), why);
        assertTrue(status.reason().contains("the node is unreachable"), why);

        Records records = Records.read(file);
        JsonNode arguments = records.decisions("import_rows").get(0).get("arguments");
        assertTrue(arguments.get("note").asText().endsWith("...[truncated, 5000000 chars]"), arguments.toString());
        assertEquals(101, arguments.get("rows").size(), "100 rows and what was left out");
        assertEquals("[199900 more items]", arguments.get("rows").get(100).asText());
        assertTrue(arguments.toString().contains("[nested too deep]"), arguments.toString());
        // import's conditions never read the chain: the record shows its type and its scalar field
        assertEquals(
                HugeArgumentsApp.Node.class.getName(),
                arguments.get("chain").get("@type").asText(),
                arguments.toString());
        assertEquals(1, arguments.get("chain").get("id").asInt(), arguments.toString());
        JsonNode inspected =
                records.decisions("inspect_chain").get(0).get("arguments").get("chain");
        assertEquals(
                1, inspected.get("next").get("next").get("id").asInt(), "what the condition followed: " + inspected);
        assertTrue(Files.size(file) < 64 * 1024, "records stay small: " + Files.size(file) + " bytes");
        ForkedJvm.agentCli(jdk, "verify", file.toString()).assertExit(0);
        long millis = Long.parseLong(out.fact("millis.import"));
        assertTrue(millis < 10_000, "deciding on 5 MB and 200,000 rows took " + millis + " ms\n" + why);
    }
}
