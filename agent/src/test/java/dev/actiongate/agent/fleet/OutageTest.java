package dev.actiongate.agent.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A database known to be down is probed by one caller at a time; the others are denied with the last failure. */
class OutageTest {

    private final Outage outage = new Outage();

    @Test
    void untilAFailureNothingIsKnown() {
        assertNull(outage.known());
    }

    @Test
    void whileOneCallerProbesTheOthersAreDeniedWithTheLastFailure() {
        IOException failure =
                new IOException("fleet store jdbc:postgresql://db/x cannot be reached: Connection refused");
        outage.failed(failure);
        assertSame(failure, outage.known());
        assertTrue(outage.startProbe(), "the first caller probes");
        assertFalse(outage.startProbe(), "one probe at a time");
        IOException denied = Outage.denial(outage.known());
        assertEquals(failure.getMessage(), denied.getMessage(), "the cause, as the caller that met it was told");
        assertSame(failure, denied.getCause());
        outage.probed();
        assertTrue(outage.startProbe(), "once the probe is over, the next caller probes again");
    }

    @Test
    void aProbeThatReachesTheDatabaseEndsTheOutage() {
        outage.failed(new IOException("down"));
        assertTrue(outage.startProbe());
        outage.reached();
        outage.probed();
        assertNull(outage.known());
    }
}
