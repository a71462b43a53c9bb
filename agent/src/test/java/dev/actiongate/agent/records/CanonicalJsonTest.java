package dev.actiongate.agent.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    private static final List<String> TRICKY = List.of(
            "plain",
            "quote \" and \\ backslash",
            "tab\tnew\nline\r",
            "control \u0001\u001f",
            "slash / and <script>",
            "unicode é 漢字 😀",
            "",
            "dev.x.A$B#send(java.lang.String)",
            "del \u007f and nbsp \u00a0",
            "~ tilde at the edge");

    /**
     * Jackson's own data binding to UTF-8 with sorted keys, as earlier agents wrote records: what
     * the hand-written fast path must match byte for byte.
     */
    private static final ObjectMapper REFERENCE = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    @Test
    void everyValueIsWrittenAsJacksonWritesIt() throws Exception {
        Map<String, Object> record = new LinkedHashMap<>();
        for (int i = 0; i < TRICKY.size(); i++) {
            record.put("s" + i, TRICKY.get(i));
            record.put(TRICKY.get(i), i);
        }
        record.put(
                "numbers",
                List.of(
                        0,
                        7,
                        10,
                        -1,
                        Long.MAX_VALUE,
                        Long.MIN_VALUE,
                        2.5,
                        -0.0,
                        1e300,
                        0.1,
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        3.5f));
        record.put("nested", Map.of("z", List.of(Map.of("b", true, "a", false)), "a", new LinkedHashMap<>()));
        record.put("nothing", null);
        record.put("empty", List.of());
        assertArrayEquals(REFERENCE.writeValueAsBytes(record), CanonicalJson.bytes(record));
    }

    @Test
    void aConstantIsWrittenExactlyAsItsString() {
        for (String text : TRICKY) {
            byte[] plain = CanonicalJson.bytes(Map.of("k", text));
            byte[] constant = CanonicalJson.bytes(Map.of("k", CanonicalJson.constant(text)));
            assertArrayEquals(plain, constant, text);
        }
    }

    @Test
    void aSortedRecordIsWrittenAsTheSameFieldsInAnyMap() {
        SortedRecord record = new SortedRecord(2);
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < TRICKY.size(); i++) {
            map.put("f" + i, TRICKY.get(i));
        }
        map.put("g", List.of(1, Map.of("b", 2, "a", 3)));
        map.forEach((name, value) -> record.add(SortedRecord.Field.named(name), value));
        assertArrayEquals(CanonicalJson.bytes(map), CanonicalJson.bytes(record));
        assertEquals(TRICKY.get(1), record.get("f1"));
        assertEquals(map, record);
    }

    @Test
    void aSortedRecordRefusesAFieldOutOfOrder() {
        assertTrue(SortedRecord.class.desiredAssertionStatus(), "tests run with assertions on");
        SortedRecord record = new SortedRecord(4).add(SortedRecord.Field.named("b"), 1);
        AssertionError e = assertThrows(AssertionError.class, () -> record.add(SortedRecord.Field.named("a"), 2));
        assertTrue(e.getMessage().contains("sorted order"), e.getMessage());
        assertThrows(AssertionError.class, () -> record.add(SortedRecord.Field.named("b"), 2));
    }

    @Test
    void keysAreSortedAtEveryLevelWhateverTheInsertionOrder() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("a", List.of(true, 2.5));
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("b", inner);
        outer.put("a", null);
        assertEquals(
                "{\"a\":null,\"b\":{\"a\":[true,2.5],\"z\":1}}",
                new String(CanonicalJson.bytes(outer), StandardCharsets.UTF_8));
    }

    @Test
    void aRecordThatFailsHalfwayDoesNotSpoilTheNextOne() {
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("a", "fine");
        bad.put("b", new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("broken value");
            }
        });
        // Fails inside the encoder, after "a" is in its (reused) buffer: the caller reports it.
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> CanonicalJson.bytes(bad));
        assertEquals("broken value", failed.getMessage());
        assertEquals("{\"n\":1}", new String(CanonicalJson.bytes(Map.of("n", 1)), StandardCharsets.UTF_8));
    }

    @Test
    void aRecordIsReadAsJacksonsDataBindingReadsIt() throws Exception {
        String line = "{\"s\":\"t\\u00e9\\n\\\"x\",\"i\":7,\"big\":9223372036854775807,\"huge\":99999999999999999999,"
                + "\"neg\":-3,\"d\":2.5e-3,\"t\":true,\"f\":false,\"n\":null,\"a\":[1,[],{\"k\":{}}],"
                + "\"dup\":1,\"dup\":\"last\"}";
        Map<String, Object> read = CanonicalJson.parse(line);
        assertEquals(REFERENCE.readValue(line, LinkedHashMap.class), read);
        assertEquals(
                List.of("s", "i", "big", "huge", "neg", "d", "t", "f", "n", "a", "dup"), List.copyOf(read.keySet()));
        assertEquals(Integer.class, read.get("i").getClass());
        assertEquals(Long.class, read.get("big").getClass());
        assertEquals(java.math.BigInteger.class, read.get("huge").getClass());
        assertEquals(Double.class, read.get("d").getClass());
        assertEquals("last", read.get("dup"));
    }

    @Test
    void whatIsNotOneJsonObjectIsRefused() {
        for (String line :
                List.of("", "[1]", "\"text\"", "{\"a\":1} {\"b\":2}", "{\"a\":1", "{\"a\":}", "{\"a\":1}x")) {
            assertThrows(
                    com.fasterxml.jackson.core.JsonProcessingException.class,
                    () -> CanonicalJson.parse(line),
                    () -> "accepted " + line);
        }
    }

    @Test
    void aFieldNameWithHalfASurrogatePairIsWrittenSoThatItReadsBack() throws Exception {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("alone\uD83D", 1);
        record.put("\uDE00first", 2);
        record.put("pair\uD83D\uDE00", "value keeps its half \uD83D");

        byte[] written = CanonicalJson.bytes(record);
        Map<String, Object> read = CanonicalJson.parse(new String(written, StandardCharsets.UTF_8));

        assertEquals(1, read.get("alone\uFFFD"));
        assertEquals(2, read.get("\uFFFDfirst"));
        assertEquals("value keeps its half \uD83D", read.get("pair\uD83D\uDE00"));
        assertArrayEquals(written, CanonicalJson.bytes(read), "it hashes as it was written");
    }
}
