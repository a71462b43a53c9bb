package dev.actiongate.agent.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actiongate.ActionContext;
import dev.actiongate.agent.escalation.EventCounter;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.policy.PolicyException;
import dev.actiongate.agent.policy.PolicyLoader;
import dev.actiongate.agent.records.CanonicalJson;
import dev.actiongate.agent.records.RecordSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the in-process gate tests stand on: a {@link Gate} over an in-memory record sink and
 * event counter, with two governed methods registered ({@code send_customer_email(to, body)}
 * and {@code refund(cents)}), called as the inlined advice calls it.
 */
abstract class GateCase {

    static final GateState.Origin HOST_1 = new GateState.Origin("host-1", null);

    final MethodRegistry registry = new MethodRegistry();
    final MemorySink sink = new MemorySink();
    final MemoryCounter counter = new MemoryCounter();
    final int send = register("send_customer_email", "send", List.of("to", "body"));
    final int refund = register("refund", "refund", List.of("cents"));

    Gate gate(String policyText) throws PolicyException {
        return gate(state(policyText));
    }

    GateState state(String policyText) throws PolicyException {
        return new GateState(policy(policyText), null, sink, null, HOST_1, null, "approvals are not under test");
    }

    /** The policy {@code policyText} describes, as if read from a file {@code gate-test.yaml}. */
    static Policy policy(String policyText) throws PolicyException {
        return new PolicyLoader().parse(Path.of("gate-test.yaml"), policyText.getBytes(StandardCharsets.UTF_8));
    }

    Gate gate(GateState state) {
        return gate(state, null);
    }

    Gate gate(GateState state, String pinnedEnvironment) {
        return new Gate(
                registry,
                CompletableFuture.completedFuture(state),
                "gate-test",
                null,
                Map.of(),
                Duration.ofSeconds(1),
                pinnedEnvironment,
                counter);
    }

    int register(String action, String name, List<String> parameters) {
        List<String> types = parameters.stream()
                .map(p -> p.equals("cents") ? "long" : "java.lang.String")
                .toList();
        return registry.register(
                action,
                "annotation",
                null,
                "com.example.Mailer",
                name,
                types,
                parameters,
                true,
                false,
                GateCase.class.getClassLoader());
    }

    interface Call {
        Object enter() throws Exception;
    }

    @SuppressWarnings("try") // the scope is open while the call runs; nothing reads it here
    static Object inEnvironment(String environment, Call call) throws Exception {
        try (ActionContext.Scope ignored =
                ActionContext.builder().actor("bot-1").environment(environment).open()) {
            return call.enter();
        }
    }

    @SuppressWarnings("try") // the scope is open while the call runs; nothing reads it here
    static Object asAcme(Call call) throws Exception {
        try (ActionContext.Scope ignored =
                ActionContext.builder().actor("bot-1").tenant("acme").open()) {
            return call.enter();
        }
    }

    /** Records as they would be read back from the file: canonical JSON, parsed. */
    static final class MemorySink implements RecordSink {
        final List<Map<String, Object>> records = new ArrayList<>();
        volatile boolean failing;

        @Override
        public synchronized void append(Map<String, ?> record, Consumer<String> written) throws IOException {
            if (failing) {
                throw new IOException("disk full");
            }
            records.add(CanonicalJson.parse(new String(CanonicalJson.bytes(record), StandardCharsets.UTF_8)));
        }

        @Override
        public void appendSoon(Map<String, ?> record, Consumer<String> written) throws IOException {
            append(record, written);
        }

        @Override
        public String describe() {
            return "memory";
        }

        synchronized List<Map<String, Object>> all() {
            return List.copyOf(records);
        }

        synchronized List<Map<String, Object>> kinds(String kind) {
            return records.stream().filter(r -> kind.equals(r.get("kind"))).toList();
        }

        /** Each decision as {@code "<field> <verdict>"}, in order. */
        List<String> verdictsBy(String field) {
            return kinds("decision").stream()
                    .map(d -> d.get(field) + " " + d.get("verdict"))
                    .toList();
        }

        Map<String, Object> only(String kind) {
            List<Map<String, Object>> found = kinds(kind);
            assertEquals(1, found.size(), "one " + kind + " record: " + records);
            return found.get(0);
        }
    }

    static final class MemoryCounter implements EventCounter {
        final Map<String, Integer> counts = new HashMap<>();
        int added;

        @Override
        public synchronized int count(String key, Duration window) {
            return counts.getOrDefault(key, 0);
        }

        @Override
        public synchronized void add(String key, Duration window) {
            counts.merge(key, 1, Integer::sum);
            added++;
        }
    }
}
