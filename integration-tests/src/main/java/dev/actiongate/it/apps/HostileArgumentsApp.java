package dev.actiongate.it.apps;

import dev.actiongate.GovernedAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Governed calls whose arguments no tree of values can hold: a list that contains itself (twice,
 * so that following it doubles at every level), a map that contains itself, an object whose
 * property is itself, and a list of 30 levels where every level holds the next one twice (2^30
 * paths through 31 lists). Each call runs on a thread of its own and is given {@value #SECONDS}
 * seconds: {@code FACT ended.LABEL} says whether it ended in time, {@code millis.LABEL} how long it
 * took. After each, the main thread makes a small governed call ({@code ping-after-LABEL}), which
 * must still be served.
 */
public final class HostileArgumentsApp {

    /** How long one hostile call may take before the application gives up on it. */
    static final int SECONDS = 20;

    private HostileArgumentsApp() {}

    /** A bean whose {@code self} and {@code twin} properties are the bean itself. */
    public static final class Loop {
        private final String name;

        Loop(String name) {
            this.name = name;
        }

        public String getName() {
            return name;
        }

        public Loop getSelf() {
            return this;
        }

        public Loop getTwin() {
            return this;
        }
    }

    public static final class Service {
        @GovernedAction("store_items")
        public void storeItems(List<Object> items) {
            Probe.body("store_items");
        }

        @GovernedAction("read_cycle")
        public void readCycle(List<Object> items) {
            Probe.body("read_cycle");
        }

        @GovernedAction("store_meta")
        public void storeMeta(Map<String, Object> meta) {
            Probe.body("store_meta");
        }

        @GovernedAction("compare_loop")
        public void compareLoop(Loop loop) {
            Probe.body("compare_loop");
        }

        @GovernedAction("store_tree")
        public void storeTree(List<Object> tree) {
            Probe.body("store_tree");
        }

        @GovernedAction("walk_tree")
        public void walkTree(List<Object> tree) {
            Probe.body("walk_tree");
        }

        @GovernedAction("ping")
        public void ping(String who) {
            Probe.body("ping " + who);
        }
    }

    public static void main(String[] args) throws Exception {
        List<Object> items = new ArrayList<>();
        items.add("first");
        items.add(items);
        items.add(items);

        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", "meta");
        meta.put("self", meta);
        meta.put("again", meta);

        Loop loop = new Loop("loop");

        Object tree = "leaf";
        for (int level = 0; level < 30; level++) {
            tree = List.of(tree, tree);
        }
        @SuppressWarnings("unchecked")
        List<Object> shared = (List<Object>) tree;

        Service service = new Service();
        ExecutorService threads = Executors.newCachedThreadPool(call -> {
            Thread thread = new Thread(call, "hostile-call");
            // a call that never ends must not keep the JVM from exiting and the test from reading why
            thread.setDaemon(true);
            return thread;
        });
        hostile(threads, service, "items", () -> service.storeItems(items));
        hostile(threads, service, "cycle", () -> service.readCycle(items));
        hostile(threads, service, "meta", () -> service.storeMeta(meta));
        hostile(threads, service, "loop", () -> service.compareLoop(loop));
        hostile(threads, service, "tree", () -> service.storeTree(shared));
        hostile(threads, service, "walk", () -> service.walkTree(shared));
        Probe.fact("done", true);
    }

    private static void hostile(ExecutorService threads, Service service, String label, Probe.ThrowingCall call)
            throws Exception {
        long start = System.nanoTime();
        Future<?> running = threads.submit(() -> Probe.attempt(label, call));
        boolean ended;
        try {
            running.get(SECONDS, TimeUnit.SECONDS);
            ended = true;
        } catch (TimeoutException e) {
            ended = false;
        }
        Probe.fact("ended." + label, ended);
        Probe.fact("millis." + label, (System.nanoTime() - start) / 1_000_000);
        Probe.attempt("ping-after-" + label, () -> service.ping(label));
    }
}
