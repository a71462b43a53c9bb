package dev.actiongate.agent.policy;

import static dev.actiongate.agent.policy.PolicyFixture.variables;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.records.ArgumentSummary;
import dev.actiongate.agent.records.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An argument object that is not plain data is read as far as conditions read it, and no further:
 * its other getters never run, a getter that fails denies by its rule, and the record shows what
 * was read.
 */
class BeanPropertiesTest {

    /** Like a library's message: a getter that does I/O, one that fails, one that leads back to itself. */
    public static final class Message {
        private final String id = "m-1";
        private final String subject;
        private final int size = 42;
        private int bodyReads;

        Message(String subject) {
            this.subject = subject;
        }

        public String getId() {
            return id;
        }

        public String getSubject() {
            return subject;
        }

        public int getSize() {
            return size;
        }

        public String getBody() {
            bodyReads++;
            throw new IllegalStateException("the connection is closed");
        }

        public List<Message> getReplies() {
            return List.of(this);
        }
    }

    private static final String POLICY = """
            version: "v1"
            default: deny
            rules:
              - id: subject-and-replies
                action: send
                when: 'args.message.subject == "hello" && args.message.replies[0].replies[0].id == "m-1"'
                verdict: allow
              - id: reads-the-body
                action: send_body
                when: 'args.message.body != "secret"'
                verdict: allow
              - id: reads-the-body-again
                action: send_body
                when: 'args.message.body != "public"'
                verdict: allow
            """;

    private static Policy policy() throws PolicyException {
        return PolicyFixture.policy(POLICY);
    }

    @Test
    void onlyWhatAConditionReadsIsReadAndRecorded() throws Exception {
        Message message = new Message("hello");
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("message", PolicyValues.of(message));
        Decision decision = policy().evaluate("send", variables("send", args));
        assertEquals(Verdict.ALLOW, decision.verdict(), decision.reason());
        assertEquals(0, message.bodyReads, "a getter no condition named never runs");

        Map<?, ?> shown = (Map<?, ?>) ArgumentSummary.of(args, Set.of()).get("message");
        assertEquals(Message.class.getName(), shown.get("@type"));
        assertEquals("hello", shown.get("subject"), "read by the condition");
        assertEquals("m-1", shown.get("id"), "a scalar kept in a field of its name, read from the field");
        assertEquals(42L, shown.get("size"));
        assertTrue(!shown.containsKey("body"), shown.toString());
        String json = new String(CanonicalJson.bytes(args), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"replies\":[{\"@type\""), "what was read, nested: " + json);
        assertEquals(0, message.bodyReads, "nor does writing the record read more");
    }

    @Test
    void aGetterThatFailsDeniesByTheRuleThatReadIt() throws Exception {
        Message message = new Message("hello");
        Map<String, Object> args = Map.of("message", PolicyValues.of(message));
        Decision decision = policy().evaluate("send_body", variables("send_body", args));
        assertEquals(Verdict.DENY, decision.verdict());
        assertEquals(
                List.of("reads-the-body", "reads-the-body-again"),
                decision.matchedRules(),
                "the second rule to read the failed property fails too: it does not see a string in its place");
        assertTrue(decision.reason().contains("rule 'reads-the-body-again' could not be evaluated"), decision.reason());
        assertEquals(1, message.bodyReads, "the getter ran once");
        assertTrue(decision.reason().contains("rule 'reads-the-body' could not be evaluated"), decision.reason());
        assertTrue(decision.reason().contains("the connection is closed"), decision.reason());
        Map<?, ?> shown = (Map<?, ?>) ArgumentSummary.of(args, Set.of()).get("message");
        assertTrue(String.valueOf(shown.get("body")).startsWith("<unreadable: "), shown.toString());
    }

    @Test
    void aSecondConversionReadsWhatTheFirstRead() throws Exception {
        Message message = new Message("hello");
        Map<String, Object> seen = new LinkedHashMap<>(Map.of("message", PolicyValues.of(message)));
        policy().evaluate("send", variables("send", seen));
        Map<String, Object> fresh = new LinkedHashMap<>(Map.of("message", PolicyValues.of(message)));
        PolicyValues.readLike(fresh, seen);
        assertEquals(
                new String(CanonicalJson.bytes(seen), StandardCharsets.UTF_8),
                new String(CanonicalJson.bytes(fresh), StandardCharsets.UTF_8));
    }
}
