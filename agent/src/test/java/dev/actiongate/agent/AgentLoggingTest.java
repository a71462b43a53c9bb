package dev.actiongate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The agent's own log lines: their shape, their levels and the stack trace below them. */
class AgentLoggingTest {

    private static final Pattern TIME = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}");

    @Test
    void aLineIsTimeTagLevelAndTheFormattedMessage() {
        String out = stderrOf(log -> log.warn("records file {} is {}", "/srv/r.jsonl", "gone"));

        String[] parts = out.split(" ", 3);
        assertTrue(TIME.matcher(parts[0]).matches(), out);
        assertEquals("[actiongate]", parts[1]);
        assertEquals("WARN  records file /srv/r.jsonl is gone" + System.lineSeparator(), parts[2]);
    }

    @Test
    void debugAndTraceAreOffInfoWarnAndErrorAreOn() {
        String out = stderrOf(log -> {
            log.trace("t");
            log.debug("d");
            log.info("i");
            log.error("e");
        });

        assertEquals(2, out.lines().count(), out);
        assertTrue(out.contains("[actiongate] INFO  i"), out);
        assertTrue(out.contains("[actiongate] ERROR e"), out);
    }

    @Test
    void aNullMessageReadsNull() {
        String out = stderrOf(log -> log.warn(null));

        assertTrue(out.endsWith("WARN  null" + System.lineSeparator()), out);
    }

    @Test
    void anExceptionIsFollowedByItsStackTrace() {
        String out = stderrOf(log -> log.error("could not seal", new IllegalStateException("key unreadable")));

        assertTrue(out.lines().findFirst().orElseThrow().endsWith("ERROR could not seal"), out);
        assertTrue(out.contains("java.lang.IllegalStateException: key unreadable"), out);
        assertTrue(out.contains("\tat " + AgentLoggingTest.class.getName()), out);
    }

    @Test
    void anExceptionWhoseMessageThrowsIsStillLogged() {
        String out = stderrOf(log -> log.error("a governed call failed", messageThatThrows()));

        assertTrue(out.contains("ERROR a governed call failed"), out);
        assertTrue(out.contains("its stack trace could not be printed: java.lang.IllegalStateException"), out);
    }

    @Test
    void anArgumentWhoseToStringThrowsAnExceptionWhoseMessageThrowsIsStillLogged() {
        Object hostile = new Object() {
            @Override
            public String toString() {
                throw messageThatThrows();
            }
        };

        String out = stderrOf(log -> log.warn("argument {} of a governed call", hostile));

        assertTrue(out.contains("WARN  argument {} of a governed call (its arguments could not be formatted"), out);
    }

    @Test
    void aChainOfCausesDeeperThanTheStackIsCutAndLogged() {
        Throwable deep = new IllegalStateException("bottom");
        for (int i = 0; i < 200_000; i++) {
            deep = new IllegalStateException("level " + i, deep);
        }
        Throwable chain = deep;

        String out = stderrOf(log -> log.error("a governed call failed", chain));

        assertTrue(out.contains("ERROR a governed call failed"), out.substring(0, 200));
        assertTrue(out.contains("its stack trace could not be printed: java.lang.StackOverflowError"));
        assertTrue(out.length() < 100_000, "cut: " + out.length());
    }

    /** An application's exception that cannot even say what it is. */
    private static RuntimeException messageThatThrows() {
        return new IllegalStateException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getMessage() {
                throw new IllegalStateException("no message for you");
            }
        };
    }

    private static String stderrOf(java.util.function.Consumer<Logger> logging) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            logging.accept(new AgentLogging().getLoggerFactory().getLogger("actiongate.test"));
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
