package dev.actiongate.agent.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecentRecordsTest {

    @TempDir
    Path dir;

    @Test
    void readsNewestFirstAndStopsAtTheFirstRecordBeforeSince() throws Exception {
        Path file = dir.resolve("records.jsonl");
        StringBuilder text = new StringBuilder();
        Instant start = Instant.parse("2026-12-01T10:00:00Z");
        for (int i = 0; i < 500; i++) {
            // long lines, so that lines cross the blocks the file is read in
            String pad = "x".repeat(i % 7 == 0 ? 9000 : 40);
            text.append("{\"kind\":\"decision\",\"n\":")
                    .append(i)
                    .append(",\"pad\":\"")
                    .append(pad)
                    .append("\",\"timestamp\":\"")
                    .append(start.plusSeconds(i))
                    .append("\"}\n");
            if (i == 250) {
                text.append("not json\n");
            }
        }
        text.append("{\"kind\":\"decision\",\"n\":500,\"timest"); // a line its writer has not finished
        Files.writeString(file, text, StandardCharsets.UTF_8);

        List<Object> seen = new ArrayList<>();
        int given = RecentRecords.newestFirst(file, start.plusSeconds(400), r -> seen.add(r.get("n")));
        assertEquals(100, given);
        assertEquals(499, ((Number) seen.get(0)).intValue());
        assertEquals(400, ((Number) seen.get(seen.size() - 1)).intValue());

        List<Map<String, Object>> all = new ArrayList<>();
        RecentRecords.newestFirst(file, Instant.EPOCH, all::add);
        assertEquals(500, all.size(), "every whole JSON line, back to the first");
        assertEquals(0, ((Number) all.get(499).get("n")).intValue());
    }

    @Test
    void aMissingFileHasNoRecords() throws Exception {
        assertEquals(0, RecentRecords.newestFirst(dir.resolve("none.jsonl"), Instant.EPOCH, r -> {}));
    }
}
