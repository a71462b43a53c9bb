package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.config.AgentConfig.ArgumentLimits;
import dev.actiongate.agent.records.ArgumentSummary;
import dev.actiongate.agent.records.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A call's arguments are converted within a budget, never following a cycle: what was converted
 * decides, what was not fails the condition that reads it, naming why, and the record shows the
 * cut. Every conversion here would hang or exhaust the heap if it followed its argument whole.
 */
class ArgumentConversionTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private static final String POLICY = """
            version: "v1"
            default: deny
            rules:
              - id: reads
                action: act
                when: %s
                verdict: allow
            """;

    /** Holds itself twice: followed, it doubles at every level. */
    private static List<Object> selfList() {
        List<Object> items = new ArrayList<>();
        items.add("first");
        items.add(items);
        items.add(items);
        return items;
    }

    /** 31 lists, 2^30 paths: each level holds the next twice. */
    private static Object sharedTree() {
        Object tree = "leaf";
        for (int level = 0; level < 30; level++) {
            tree = List.of(tree, tree);
        }
        return tree;
    }

    /** Refers to itself, as a record's mutable list may. */
    record Box(String name, List<Object> contents) {}

    /** A bean whose property is itself. */
    public static final class Loop {
        public String getName() {
            return "loop";
        }

        public Loop getSelf() {
            return this;
        }
    }

    /** A list as a map key, hashed by identity: its text, like its content's hash, would take 2^30 steps. */
    private static final class TreeKey extends AbstractList<Object> {
        private final Object tree;

        TreeKey(Object tree) {
            this.tree = tree;
        }

        @Override
        public Object get(int index) {
            return tree;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public boolean equals(Object other) {
            return other == this;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    private static Map<String, Object> convert(String name, Object value, ArgumentLimits limits) {
        return assertTimeoutPreemptively(
                BOUND, () -> PolicyValues.arguments("act", new String[] {name}, new Object[] {value}, limits));
    }

    private static Decision decide(String condition, Map<String, Object> args) throws PolicyException {
        Policy policy = PolicyFixture.policy(POLICY.formatted("'" + condition + "'"));
        return assertTimeoutPreemptively(BOUND, () -> policy.evaluate("act", PolicyFixture.variables("act", args)));
    }

    /** The condition, evaluated on {@code args}, allows. */
    private static void assertAllowed(String condition, Map<String, Object> args) throws PolicyException {
        Decision decision = decide(condition, args);
        assertEquals(Verdict.ALLOW, decision.verdict(), decision.reason());
    }

    /** The condition, evaluated on {@code args}, denies with a reason that contains each of {@code parts}. */
    private static void assertDeniedSaying(String condition, Map<String, Object> args, String... parts)
            throws PolicyException {
        Decision decision = decide(condition, args);
        assertEquals(Verdict.DENY, decision.verdict(), decision.reason());
        for (String part : parts) {
            assertTrue(decision.reason().contains(part), decision.reason());
        }
    }

    private static String json(Map<String, Object> args) {
        return new String(
                CanonicalJson.bytes(ArgumentSummary.of(args, Set.of(), PolicyValues.cutShort(args))),
                StandardCharsets.UTF_8);
    }

    @Test
    void aListThatContainsItselfIsACycleMarkerAndReadingIntoItDenies() throws Exception {
        Map<String, Object> args = convert("items", selfList(), ArgumentLimits.DEFAULT);
        assertEquals("{\"items\":[\"first\",\"<cycle>\",\"<cycle>\"]}", json(args));
        assertNull(PolicyValues.cutShort(args), "a cycle is not the budget");

        assertAllowed("args.items[0] == \"first\" && size(args.items) == 3", args);
        assertDeniedSaying("args.items[1][0] == \"first\"", args, "args.items: a list in it contains itself (a cycle)");
        Decision whole = decide("args.items.all(i, i != \"x\")", args);
        assertEquals(Verdict.ALLOW, whole.verdict(), "a cycle is a list, which is not \"x\": " + whole.reason());
    }

    @Test
    void aMapThatContainsItselfIsACycleMarker() throws Exception {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", "meta");
        meta.put("self", meta);
        Map<String, Object> args = convert("meta", meta, ArgumentLimits.DEFAULT);
        assertEquals("{\"meta\":{\"name\":\"meta\",\"self\":\"<cycle>\"}}", json(args));
        assertAllowed("args.meta.name == \"meta\"", args);
        assertDeniedSaying("has(args.meta.self.name)", args, "args.meta: a map in it contains itself (a cycle)");
    }

    @Test
    void aRecordReachedAgainThroughItsOwnListIsACycle() {
        List<Object> contents = new ArrayList<>();
        Box box = new Box("box", contents);
        contents.add(box);
        assertEquals(
                "{\"box\":{\"contents\":[\"<cycle>\"],\"name\":\"box\"}}",
                json(convert("box", box, ArgumentLimits.DEFAULT)));
    }

    @Test
    void aSharedStructureIsCutAtTheBudgetTheSameWayEveryTime() throws Exception {
        Object tree = sharedTree();
        Map<String, Object> args = convert("tree", tree, ArgumentLimits.DEFAULT);
        String cut = PolicyValues.cutShort(args);
        assertEquals("the arguments of act exceed the conversion budget of 10000 elements (args_max_nodes)", cut);

        String summary = json(args);
        assertTrue(summary.contains("\"@cut\":\"" + cut + "\""), summary);
        assertTrue(summary.length() < 16 * 1024, "a small record: " + summary.length());
        assertEquals(summary, json(convert("tree", tree, ArgumentLimits.DEFAULT)), "deterministic");
        String digestForm = new String(CanonicalJson.bytes(args), StandardCharsets.UTF_8);
        assertEquals(
                digestForm,
                new String(CanonicalJson.bytes(convert("tree", tree, ArgumentLimits.DEFAULT)), StandardCharsets.UTF_8));

        assertEquals(Verdict.ALLOW, decide("size(args.tree) == 2", args).verdict(), "the real size of a cut list");
        assertDeniedSaying("size(args.tree[1]) == 2", args, "args.tree was not converted whole: " + cut);
    }

    @Test
    void aLongListIsReadUpToTheBudgetAndItsRealSizeIsKnown() throws Exception {
        List<Long> rows = IntStream.range(0, 20_000).mapToObj(i -> (long) i).toList();
        Map<String, Object> args = convert("rows", rows, new ArgumentLimits(1_000, 1_000));
        assertAllowed("size(args.rows) == 20000 && args.rows[999] == 999", args);
        assertDeniedSaying("args.rows[1000] == 1000", args, "conversion budget of 1000 elements (args_max_nodes)");
        Decision every = decide("args.rows.all(r, r >= 0)", args);
        assertEquals(Verdict.DENY, every.verdict(), "all() cannot be true of what was not converted");
    }

    @Test
    void textTheConversionMakesCountsAndStringsPassedAsTheyAreDoNot() throws Exception {
        ArgumentLimits limits = new ArgumentLimits(10_000, 1_000);
        Map<String, Object> whole = convert("note", "n".repeat(5_000), limits);
        assertAllowed("size(args.note) == 5000", whole);

        // a CharSequence that is not a String: its text is made, and counted
        Map<String, Object> built = convert("note", java.nio.CharBuffer.wrap("n".repeat(5_000)), limits);
        Decision compared = decide("args.note != \"secret\"", built);
        assertEquals(Verdict.DENY, compared.verdict(), "not taken for a string that differs");
        assertTrue(
                compared.reason().contains("conversion budget of 1000 characters of text (args_max_chars)"),
                compared.reason());
        assertTrue(json(built).contains("\"@cut\""), json(built));

        Map<String, Object> bytes = convert("attachment", new byte[3_000], limits);
        assertEquals(
                "the arguments of act exceed the conversion budget of 1000 characters of text (args_max_chars)",
                PolicyValues.cutShort(bytes));
    }

    @Test
    void valuesJacksonWritesAreCountedAsTheyAreWritten() {
        Iterable<Integer> endless = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return 1;
            }
        };
        Map<String, Object> args = convert("endless", endless, ArgumentLimits.DEFAULT);
        assertTrue(PolicyValues.cutShort(args).contains("10000 elements"), json(args));
        Map<String, Object> numbers = convert("numbers", new int[1_000_000], ArgumentLimits.DEFAULT);
        assertTrue(PolicyValues.cutShort(numbers).contains("10000 elements"), json(numbers));
        Map<String, Object> few = convert("numbers", new int[] {1, 2}, ArgumentLimits.DEFAULT);
        assertEquals(List.of(1L, 2L), few.get("numbers"));
    }

    @Test
    void nestingDeeperThanTheLimitIsCutNotFollowed() throws Exception {
        List<Object> deep = new ArrayList<>();
        List<Object> inner = deep;
        for (int level = 0; level < 100; level++) {
            List<Object> next = new ArrayList<>();
            inner.add(next);
            inner = next;
        }
        Map<String, Object> args = convert("deep", deep, ArgumentLimits.DEFAULT);
        assertAllowed("size(args.deep[0][0][0]) == 1", args);
        String path = "args.deep" + "[0]".repeat(ArgumentConversion.MAX_DEPTH);
        assertDeniedSaying("size(" + path + ") == 1", args, "args.deep: nested deeper than 64 levels");
    }

    @Test
    void anObjectComparedWithItselfStopsAtTheDepthLimit() throws Exception {
        Map<String, Object> args = convert("loop", new Loop(), ArgumentLimits.DEFAULT);
        assertAllowed("args.loop.self.self.name == \"loop\"", args);
        assertDeniedSaying("args.loop == args.loop.self", args, "args.loop: nested deeper than 64 levels");
    }

    @Test
    void lazyReadsDrawOnTheSameBudget() throws Exception {
        Map<String, Object> args = convert("loop", new Loop(), new ArgumentLimits(3, 1_000));
        assertDeniedSaying(
                "args.loop.self.self.self.name == \"loop\"",
                args,
                "was not read: args.loop was not converted whole",
                "conversion budget of 3 elements");
        assertTrue(json(args).contains("\"@cut\":\"the arguments of act exceed"), json(args));
    }

    @Test
    void aKeyThatIsAContainerIsNeverTurnedIntoText() throws Exception {
        Map<Object, Object> keyed = new LinkedHashMap<>();
        keyed.put("plain", 1);
        keyed.put(new TreeKey(sharedTree()), 2);
        Map<String, Object> args = convert("keyed", keyed, ArgumentLimits.DEFAULT);
        assertAllowed("args.keyed.plain == 1", args);
        assertEquals(Verdict.DENY, decide("args.keyed.other == 1", args).verdict());
    }

    @Test
    void scalarsAreConvertedAsBefore() {
        Map<String, Object> args = PolicyValues.arguments(
                "act", new String[] {"a", "b", "c", "d"}, new Object[] {1, "two", 3.0f, null}, ArgumentLimits.DEFAULT);
        assertEquals(List.of(1L, "two", 3.0d, PolicyValues.NULL), List.copyOf(args.values()));
        assertNull(PolicyValues.cutShort(args));
    }
}
