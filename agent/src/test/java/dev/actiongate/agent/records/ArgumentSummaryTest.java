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
    void aCutNeverSplitsASurrogatePair() {
        String emoji = "x" + "\uD83D\uDE00".repeat(1000);
        @SuppressWarnings("unchecked")
        Map<String, Object> summary =
                (Map<String, Object>) ArgumentSummary.of(Map.of("headers", Map.of(emoji, emoji)), Set.of())
                        .get("headers");
        String key = summary.keySet().iterator().next();
        String value = (String) summary.get(key);
        for (String cut : List.of(key, value)) {
            String kept = cut.substring(0, cut.indexOf("...[truncated"));
            assertTrue(Character.isLowSurrogate(kept.charAt(kept.length() - 1)), "ends with a whole pair");
        }
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

    @Test
    void aSummaryHoldsAThousandValuesWhateverTheArgumentsHold() {
        List<Object> row = java.util.stream.IntStream.range(0, 100)
                .mapToObj(i -> (Object) ("value-" + i))
                .toList();
        List<Object> table = java.util.Collections.nCopies(100, row);
        Map<String, Object> summary = ArgumentSummary.of(Map.of("table", table), Set.of());
        String text = summary.toString();
        long values = text.chars().filter(c -> c == ',').count();
        assertTrue(values < ArgumentSummary.MAX_VALUES + 200, "about a thousand values, not 10,000: " + values);
        assertTrue(text.contains("more items: a record shows 1000 values in all]"), text);
    }

    @Test
    void aConversionCutShortSaysWhyUnderTheCutKey() {
        Map<String, Object> summary =
                ArgumentSummary.of(Map.of("rows", List.of(1L)), Set.of(), "the arguments of x exceed the budget");
        assertEquals("the arguments of x exceed the budget", summary.get(ArgumentSummary.CUT_KEY));
        assertTrue(!ArgumentSummary.of(Map.of("rows", List.of(1L)), Set.of()).containsKey(ArgumentSummary.CUT_KEY));
    }

    @Test
    void longKeysAreCutLikeLongValues() {
        Map<String, Object> summary = ArgumentSummary.of(Map.of("meta", Map.of("k".repeat(1_000), 1L)), Set.of());
        Map<?, ?> meta = (Map<?, ?>) summary.get("meta");
        String key = (String) meta.keySet().iterator().next();
        assertTrue(key.endsWith("...[truncated, 1000 chars]"), key);
    }
}
