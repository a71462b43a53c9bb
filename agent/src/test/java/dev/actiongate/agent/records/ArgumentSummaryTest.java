package dev.actiongate.agent.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgumentSummaryTest {

    @Test
    void masksSensitiveKeysAtAnyDepthAndPolicyRedactions() {
        Map<String, Object> summary = ArgumentSummary.of(
                Map.of(
                        "password", "hunter2",
                        "payment", Map.of("cardNumber", "4111", "amount", 5L),
                        "headers", List.of(Map.of("Authorization", "Bearer x")),
                        "body", "secret text",
                        "to", "a@b.example"),
                Set.of("body"));
        assertEquals("***", summary.get("password"));
        assertEquals(Map.of("cardNumber", "***", "amount", 5L), summary.get("payment"));
        assertEquals(List.of(Map.of("Authorization", "***")), summary.get("headers"));
        assertEquals("***", summary.get("body"));
        assertEquals("a@b.example", summary.get("to"));
    }

    @Test
    void truncatesLongStringsKeepingTheirLength() {
        String huge = "x".repeat(10_000);
        String summarized =
                (String) ArgumentSummary.of(Map.of("text", huge), Set.of()).get("text");
        assertTrue(summarized.length() < 400, "summary stays small");
        assertTrue(summarized.endsWith("[truncated, 10000 chars]"), summarized);
    }

    @Test
    void capsLongLists() {
        List<Object> items = java.util.stream.IntStream.range(0, 1_000)
                .mapToObj(i -> (Object) (long) i)
                .toList();
        List<?> summarized =
                (List<?>) ArgumentSummary.of(Map.of("items", items), Set.of()).get("items");
        assertEquals(ArgumentSummary.MAX_ITEMS + 1, summarized.size());
        assertEquals("[900 more items]", summarized.get(ArgumentSummary.MAX_ITEMS));
    }
}
