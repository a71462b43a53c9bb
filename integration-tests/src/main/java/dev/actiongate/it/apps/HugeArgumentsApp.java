package dev.actiongate.it.apps;

import dev.actiongate.GovernedAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Governed calls with arguments an application should not send but will: a 5 MB string, a list
 * of 200,000 rows, a map nested 50 deep, and an object that refers to itself and has a getter
 * that fails. Prints how long each call took as a fact, {@code millis.LABEL}.
 */
public final class HugeArgumentsApp {

    private HugeArgumentsApp() {}

    /** Refers to itself, so no tree of values can hold all of it; and one of its getters fails. */
    public static final class Node {
        private final int id;
        private Node next;

        Node(int id) {
            this.id = id;
            this.next = this;
        }

        public int getId() {
            return id;
        }

        public Node getNext() {
            return next;
        }

        @SuppressWarnings("DoNotCallSuggester") // a getter that throws is the hostile argument under test
        public String getStatus() {
            throw new IllegalStateException("the node is unreachable");
        }
    }

    public static final class Importer {
        @GovernedAction("import_rows")
        public int importRows(String note, List<String> rows, Map<String, Object> meta, Node chain) {
            Probe.body("import_rows " + rows.size());
            return rows.size();
        }

        @GovernedAction("inspect_chain")
        public void inspectChain(Node chain) {
            Probe.body("inspect_chain");
        }

        @GovernedAction("check_status")
        public void checkStatus(Node chain) {
            Probe.body("check_status");
        }
    }

    public static void main(String[] args) {
        String note = "n".repeat(5_000_000);
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            rows.add("row-" + i);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        Map<String, Object> inner = meta;
        for (int depth = 0; depth < 50; depth++) {
            Map<String, Object> next = new LinkedHashMap<>();
            inner.put("level" + depth, next);
            inner = next;
        }
        Node chain = new Node(1);
        Importer importer = new Importer();
        timed("import", () -> importer.importRows(note, rows, meta, chain));
        timed("inspect", () -> importer.inspectChain(chain));
        timed("status", () -> importer.checkStatus(chain));
        Probe.fact("done", true);
    }

    private static void timed(String label, Probe.ThrowingCall call) {
        long start = System.nanoTime();
        Probe.attempt(label, call);
        Probe.fact("millis." + label, (System.nanoTime() - start) / 1_000_000);
    }
}
