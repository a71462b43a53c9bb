package dev.actiongate.agent.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.testing.AtOnce;
import dev.actiongate.agent.testing.MovingClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalQuotasTest {

    private final MovingClock clock = new MovingClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final LocalQuotas quotas = new LocalQuotas(clock);
    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void countsCallsUpToMaxAndRefusesTheNextWithWhatWasUsed() {
        for (int i = 0; i < 3; i++) {
            QuotaCounter.Taken taken = quotas.take("rate", "acme", 1, 3, HOUR);
            assertTrue(taken.allowed());
            assertEquals(i, taken.current());
        }
        QuotaCounter.Taken refused = quotas.take("rate", "acme", 1, 3, HOUR);
        assertFalse(refused.allowed());
        assertEquals(3, refused.current());
        assertEquals(Instant.parse("2026-12-06T10:00:00Z"), refused.windowStart());
        assertTrue(quotas.take("rate", "globex", 1, 3, HOUR).allowed(), "another key has its own budget");
        assertTrue(quotas.take("other", "acme", 1, 3, HOUR).allowed(), "another limit too");
    }

    @Test
    void aSumTakesAmountsAndRefusesOneThatWouldGoPastMaxWhileASmallerOneFits() {
        assertTrue(quotas.take("budget", "acme", 4_000, 5_000, HOUR).allowed());
        QuotaCounter.Taken big = quotas.take("budget", "acme", 1_500, 5_000, HOUR);
        assertFalse(big.allowed());
        assertEquals(4_000, big.current());
        assertTrue(quotas.take("budget", "acme", 1_000, 5_000, HOUR).allowed(), "exactly max is within it");
        assertFalse(quotas.take("budget", "acme", 1, 5_000, HOUR).allowed());
        assertTrue(quotas.take("budget", "acme", 0, 5_000, HOUR).allowed(), "nothing always fits");
    }

    @Test
    void aNewWindowStartsEmptyOnItsBoundary() {
        clock.set(Instant.parse("2026-12-06T10:59:59Z"));
        assertTrue(quotas.take("rate", "acme", 2, 2, HOUR).allowed());
        assertFalse(quotas.take("rate", "acme", 1, 2, HOUR).allowed());
        clock.set(Instant.parse("2026-12-06T11:00:00Z"));
        QuotaCounter.Taken next = quotas.take("rate", "acme", 1, 2, HOUR);
        assertTrue(next.allowed(), "the window rolled over");
        assertEquals(0, next.current());
        assertEquals(Instant.parse("2026-12-06T11:00:00Z"), next.windowStart());
    }

    @Test
    void whatIsGivenBackCanBeTakenAgainButNotIntoTheNextWindow() {
        QuotaCounter.Taken taken = quotas.take("rate", "acme", 2, 2, HOUR);
        quotas.giveBack("rate", "acme", 2, HOUR, taken);
        assertTrue(quotas.take("rate", "acme", 2, 2, HOUR).allowed());
        clock.advance(HOUR);
        QuotaCounter.Taken fresh = quotas.take("rate", "acme", 1, 2, HOUR);
        quotas.giveBack("rate", "acme", 2, HOUR, taken);
        assertEquals(
                1,
                quotas.take("rate", "acme", 1, 2, HOUR).current(),
                "an old window's take is not returned into this one");
        assertTrue(fresh.allowed());
    }

    @Test
    void concurrentCallsNeverGoPastMax() throws Exception {
        AtomicInteger allowed = new AtomicInteger();
        Runnable thousandCalls = () -> {
            for (int i = 0; i < 1_000; i++) {
                if (quotas.take("rate", "acme", 1, 2_500, HOUR).allowed()) {
                    allowed.incrementAndGet();
                }
            }
        };
        AtOnce.run(Collections.nCopies(8, thousandCalls));
        assertEquals(2_500, allowed.get());
    }
}
