package dev.actiongate.agent.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    private static final List<String> TRICKY = List.of("plain", "quote \" and \\ backslash", "tab\tnew\nline\r",
            "control \u0001\u001f", "slash / and <script>", "unicode é 漢字 😀", "", "dev.x.A$B#send(java.lang.String)");

    @Test
    void aConstantIsWrittenExactlyAsItsString() {
        for (String text : TRICKY) {
            byte[] plain = CanonicalJson.bytes(Map.of("k", text));
            byte[] constant = CanonicalJson.bytes(Map.of("k", CanonicalJson.constant(text)));
            assertArrayEquals(plain, constant, text);
        }
    }

    @Test
    void keysAreSortedAtEveryLevelWhateverTheInsertionOrder() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("a", List.of(true, 2.5));
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("b", inner);
        outer.put("a", null);
        assertEquals("{\"a\":null,\"b\":{\"a\":[true,2.5],\"z\":1}}",
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
        try {
            CanonicalJson.bytes(bad);
        } catch (IllegalStateException expected) {
            // the caller reports it
        }
        assertEquals("{\"n\":1}", new String(CanonicalJson.bytes(Map.of("n", 1)), StandardCharsets.UTF_8));
    }
}
