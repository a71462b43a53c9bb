package dev.actiongate.agent.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTailTest {

    @TempDir
    Path dir;

    @Test
    void theLastLineIsFoundAcrossBlockBoundariesAndWithoutItsLineEnd() throws IOException {
        String longLine = "x".repeat(20_000) + "é";
        Path file = write("first\n" + longLine + "\r\n\n");
        assertEquals(longLine, FileTail.lastLine(file));
        assertEquals(0, FileTail.partialLine(file));
    }

    @Test
    void aFileOfOneLineWithoutNewlineIsAllTail() throws IOException {
        Path file = write("only");
        assertEquals("only", FileTail.lastLine(file));
        assertEquals(4, FileTail.partialLine(file));
    }

    @Test
    void thePartAfterTheLastNewlineIsThePartialLine() throws IOException {
        Path file = write("a\nb\n" + "c".repeat(9000));
        assertEquals(9000, FileTail.partialLine(file));
        assertEquals("c".repeat(9000), FileTail.lastLine(file));
    }

    @Test
    void emptyAndBlankFilesHaveNoLastLine() throws IOException {
        assertNull(FileTail.lastLine(write("")));
        assertNull(FileTail.lastLine(write("\n\r\n")));
        assertEquals(0, FileTail.partialLine(write("")));
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "tail", ".jsonl");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
