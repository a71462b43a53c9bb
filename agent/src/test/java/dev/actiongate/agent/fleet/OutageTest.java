package dev.actiongate.agent.fleet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A database known to be down denies callers at once, but for one that tries it again now and then. */
class OutageTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final Outage outage = new Outage(now::get);

    @Test
    void untilAFailureEveryCallerTries() {
        assertDoesNotThrow(outage::beforeTrying);
        assertDoesNotThrow(outage::beforeTrying);
        assertFalse(outage.known());
    }

    @Test
    void afterAFailureCallersAreDeniedWithItUntilOneMayTryAgain() throws IOException {
        IOException failure =
                new IOException("fleet store jdbc:postgresql://db/x cannot be reached: Connection refused");
        outage.failed(failure);
        IOException denied = assertThrows(IOException.class, outage::beforeTrying);
        assertEquals(failure.getMessage(), denied.getMessage(), "the cause, as the call that met it was told");
        assertSame(failure, denied.getCause());

        now.addAndGet(Outage.RETRY_NANOS - 1);
        assertThrows(IOException.class, outage::beforeTrying);
        now.addAndGet(1);
        outage.beforeTrying(); // this caller's turn to try the database
        assertThrows(IOException.class, outage::beforeTrying, "one caller per interval, not every one");
        assertTrue(outage.known());
    }

    @Test
    void aCallerThatReachesTheDatabaseEndsTheOutage() throws IOException {
        outage.failed(new IOException("down"));
        now.addAndGet(Outage.RETRY_NANOS);
        outage.beforeTrying();
        outage.reached();
        assertFalse(outage.known());
        assertDoesNotThrow(outage::beforeTrying);
        assertDoesNotThrow(outage::beforeTrying);
    }
}
