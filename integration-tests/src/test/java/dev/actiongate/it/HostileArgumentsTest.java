package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.HostileArgumentsApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arguments that no tree of values can hold: a list and a map that contain themselves, an object
 * whose property is itself, and a structure of 31 lists with 2^30 paths through it. Each call ends
 * in bounded time, decided on what was converted: a condition that reads only the converted part
 * decides, one that reads into a cycle or past the conversion budget denies saying so, the JVM
 * (on a small heap) keeps serving other calls, and each record's argument summary stays small and
 * says what was cut.
 */
class HostileArgumentsTest {

    private static final String POLICY = """
            version: "it-hostile-1"
            default: deny
            rules:
              - id: first-item
                action: store_items
                when: 'args.items[0] == "first"'
                verdict: allow
              - id: into-the-cycle
                action: read_cycle
                when: 'args.items[1][0] == "first"'
                verdict: allow
              - id: named-meta
                action: store_meta
                when: 'args.meta.name == "meta"'
                verdict: allow
              - id: loop-is-itself
                action: compare_loop
                when: 'args.loop == args.loop.self'
                verdict: allow
              - id: two-branches
                action: store_tree
                when: 'size(args.tree) == 2'
                verdict: allow
              - id: right-branch
                action: walk_tree
                when: 'size(args.tree[1]) == 2'
                verdict: allow
              - id: pings
                action: ping
                verdict: allow
            """;

    private static final List<String> CALLS = List.of("items", "cycle", "meta", "loop", "tree", "walk");

    @TempDir
    Path dir;

    @OnEveryJdk
    void everyCallEndsDecidedOnWhatWasConvertedAndTheRecordSaysWhatWasCut(Jdk jdk) throws Exception {
        AgentApp app = AgentApp.on(jdk, dir)
                .jdkDefaults()
                .policy(POLICY)
                .main(HostileArgumentsApp.class)
                // a small heap: what today's conversion does to these arguments exhausts it
                .jvmOption("-Xmx256m")
                .timeout(Duration.ofMinutes(3));
        ForkedJvm.Run run = app.run().assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        for (String call : CALLS) {
            assertEquals("true", out.fact("ended." + call), "the call '" + call + "' ended in time\n" + why);
            assertTrue(
                    Long.parseLong(out.fact("millis." + call)) < 10_000,
                    "the call '" + call + "' took " + out.fact("millis." + call) + " ms\n" + why);
            assertTrue(out.allowed("ping-after-" + call), "a small call after '" + call + "' is served\n" + why);
        }
        assertEquals(List.of(), out.threw(), why);

        assertTrue(out.allowed("items"), "decided on the item the condition read\n" + why);
        assertTrue(out.allowed("meta"), why);
        assertTrue(out.allowed("tree"), "the size of a list cut short is its real size\n" + why);

        AppOutput.Denial cycle = out.denied("cycle");
        assertEquals(List.of("into-the-cycle"), cycle.matchedRules(), why);
        assertTrue(cycle.reason().contains("rule 'into-the-cycle' could not be evaluated"), cycle.reason());
        assertTrue(cycle.reason().contains("args.items: a list in it contains itself (a cycle)"), cycle.reason());

        AppOutput.Denial loop = out.denied("loop");
        assertEquals(List.of("loop-is-itself"), loop.matchedRules(), why);
        assertTrue(loop.reason().contains("args.loop: nested deeper than 64 levels"), loop.reason());

        AppOutput.Denial walk = out.denied("walk");
        assertEquals(List.of("right-branch"), walk.matchedRules(), why);
        assertTrue(
                walk.reason()
                        .contains("the arguments of walk_tree exceed the conversion budget of 10000 elements"
                                + " (args_max_nodes)"),
                walk.reason());

        Records records = Records.read(app.recordsFile());
        assertEquals(
                "[\"first\",\"<cycle>\",\"<cycle>\"]",
                arguments(records, "store_items").get("items").toString());
        assertEquals(
                "{\"again\":\"<cycle>\",\"name\":\"meta\",\"self\":\"<cycle>\"}",
                arguments(records, "store_meta").get("meta").toString());
        JsonNode tree = arguments(records, "store_tree");
        assertTrue(
                tree.path("@cut").asText().contains("exceed the conversion budget of 10000 elements"),
                "the summary says the arguments were cut, and why: " + tree);
        for (JsonNode decision : records.decisions()) {
            int size = decision.get("arguments").toString().length();
            assertTrue(size < 16 * 1024, "a bounded summary: " + size + " chars in " + decision.get("action"));
        }
        ForkedJvm.agentCli(jdk, "verify", app.recordsFile().toString()).assertExit(0);
    }

    private static JsonNode arguments(Records records, String action) {
        List<JsonNode> decisions = records.decisions(action);
        assertEquals(1, decisions.size(), action + ": " + decisions);
        return decisions.get(0).get("arguments");
    }
}
