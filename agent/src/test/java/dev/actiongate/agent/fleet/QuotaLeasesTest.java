package dev.actiongate.agent.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.quota.QuotaCounter;
import dev.actiongate.agent.testing.AtOnce;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Leases of a shared budget, over a stand-in for the database that several instances share. */
class QuotaLeasesTest {

    private static final Duration HOUR = Duration.ofHours(1);

    /** The database's part: one budget per limit, key and window, never leased past max. */
    private static final class SharedBudget implements QuotaLeases.Source {
        final Map<List<Object>, Long> leased = new HashMap<>();
        volatile Instant window = Instant.parse("2026-12-06T10:00:00Z");
        volatile boolean down;
        volatile CountDownLatch stuck;
        final AtomicInteger asked = new AtomicInteger();

        @Override
        public synchronized QuotaLeases.Lease lease(
                String limitId, String key, long need, long share, long max, Duration per) throws IOException {
            asked.incrementAndGet();
            if (stuck != null) {
                try {
                    stuck.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            if (down) {
                throw new IOException("fleet store jdbc:postgresql://db/x cannot be reached: Connection refused");
            }
            List<Object> row = List.of(limitId, key, window);
            long before = leased.getOrDefault(row, 0L);
            long granted = QuotaLeases.grant(before, need, share, max);
            leased.put(row, before + granted);
            return new QuotaLeases.Lease(window, 3_600_000, granted, before);
        }

        @Override
        public synchronized void giveBack(String limitId, String key, Duration per, Instant start, long unused)
                throws IOException {
            if (down) {
                throw new IOException("down");
            }
            leased.merge(List.of(limitId, key, start), -unused, Long::sum);
        }

        synchronized long leasedNow(String limitId, String key) {
            return leased.getOrDefault(List.of(limitId, key, window), 0L);
        }
    }

    private final SharedBudget budget = new SharedBudget();

    @Test
    void grantsTheNeedAndAShareWhileAQuarterStaysThenOnlyTheNeedThenNothing() {
        assertEquals(6, QuotaLeases.grant(0, 1, 5, 100));
        assertEquals(6, QuotaLeases.grant(69, 1, 5, 100), "25 stay unleased");
        assertEquals(1, QuotaLeases.grant(70, 1, 5, 100), "past that, exactly the need");
        assertEquals(30, QuotaLeases.grant(70, 30, 5, 100), "a need that fits exactly");
        assertEquals(0, QuotaLeases.grant(70, 31, 5, 100), "a need that does not fit gets nothing");
        assertEquals(0, QuotaLeases.grant(0, 1, 0, 0), "max 0 refuses everything");
    }

    @Test
    void callsWithinTheLeaseDoNotAskTheDatabase() {
        QuotaLeases leases = new QuotaLeases(budget);
        assertTrue(leases.take("rate", "acme", 1, 100, HOUR).allowed());
        assertEquals(1, budget.asked.get());
        assertEquals(6, budget.leasedNow("rate", "acme"), "the call and a twentieth of max");
        for (int i = 0; i < 5; i++) {
            assertTrue(leases.take("rate", "acme", 1, 100, HOUR).allowed());
        }
        assertEquals(1, budget.asked.get(), "five more calls spent the lease locally");
        assertTrue(leases.take("rate", "acme", 1, 100, HOUR).allowed());
        assertEquals(2, budget.asked.get());
    }

    @Test
    void threeInstancesUnderConcurrentCallsAllowExactlyMaxBetweenThem() throws Exception {
        assertEquals(20, concurrently(20, 1, 15));
        assertEquals(20, budget.leasedNow("limit", "acme"));
    }

    @Test
    void aSumIsNeverExceededAcrossInstancesAndReachesItsMaxExactly() throws Exception {
        // 3 x 8 refunds of 125 against 1,000: exactly 8 fit.
        assertEquals(8, concurrently(1_000, 125, 8));
        assertEquals(1_000, budget.leasedNow("limit", "acme"));
    }

    /** {@code perInstance} threads on each of 3 instances take {@code amount}; returns how many were allowed. */
    private int concurrently(long max, long amount, int perInstance) throws Exception {
        List<QuotaLeases> instances =
                List.of(new QuotaLeases(budget), new QuotaLeases(budget), new QuotaLeases(budget));
        AtomicInteger allowed = new AtomicInteger();
        List<Runnable> calls = new ArrayList<>();
        for (QuotaLeases instance : instances) {
            for (int i = 0; i < perInstance; i++) {
                calls.add(() -> {
                    if (instance.take("limit", "acme", amount, max, HOUR).allowed()) {
                        allowed.incrementAndGet();
                    }
                });
            }
        }
        AtOnce.run(calls);
        return allowed.get();
    }

    @Test
    void aRefusalSaysWhatTheFleetHadLeasedAndInWhichWindow() {
        QuotaLeases a = new QuotaLeases(budget);
        QuotaLeases b = new QuotaLeases(budget);
        assertTrue(a.take("rate", "acme", 2, 2, HOUR).allowed());
        QuotaCounter.Taken refused = b.take("rate", "acme", 1, 2, HOUR);
        assertFalse(refused.allowed());
        assertEquals(2, refused.current());
        assertEquals(budget.window, refused.windowStart());
    }

    @Test
    void aDatabaseThatIsDownRefusesWhatNeedsItAtOnceAndLetsTheLeaseBeSpent() {
        QuotaLeases leases = new QuotaLeases(budget);
        assertTrue(leases.take("rate", "acme", 1, 100, HOUR).allowed());
        budget.down = true;
        for (int i = 0; i < 5; i++) {
            assertTrue(leases.take("rate", "acme", 1, 100, HOUR).allowed(), "within the lease");
        }
        int asked = budget.asked.get();
        UncheckedIOException e =
                assertThrows(UncheckedIOException.class, () -> leases.take("rate", "acme", 1, 100, HOUR));
        assertTrue(e.getCause().getMessage().startsWith("fleet store jdbc:postgresql://db/x cannot be reached"));
        assertEquals(asked + 1, budget.asked.get());
        budget.down = false;
        assertTrue(
                leases.take("rate", "acme", 1, 100, HOUR).allowed(), "a later call tries again, and the store is back");
    }

    @Test
    void callsWaitingWhileTheDatabaseFailsAreRefusedAtOnceWithTheSameCause() throws Exception {
        QuotaLeases leases = new QuotaLeases(budget);
        budget.down = true;
        budget.stuck = new CountDownLatch(1);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Runnable call = () -> {
            try {
                leases.take("rate", "acme", 1, 100, HOUR);
            } catch (UncheckedIOException refused) {
                failures.add(refused);
            }
        };
        Thread first = new Thread(call);
        first.start();
        while (budget.asked.get() == 0) {
            Thread.onSpinWait();
        }
        Thread waiting = new Thread(call);
        waiting.start();
        while (waiting.getState() != Thread.State.BLOCKED) {
            Thread.onSpinWait();
        }
        budget.stuck.countDown();
        first.join();
        waiting.join();
        assertEquals(2, failures.size());
        assertEquals(1, budget.asked.get(), "the waiting call did not ask the database again");
    }

    @Test
    void unusedLeasesGoBackWhenIdleOrClosedAndANewWindowStartsAfresh() throws Exception {
        QuotaLeases a = new QuotaLeases(budget);
        assertTrue(a.take("rate", "acme", 1, 100, HOUR).allowed());
        a.returnIdle(Duration.ofHours(1));
        assertEquals(6, budget.leasedNow("rate", "acme"), "used a moment ago: kept");
        a.returnIdle(Duration.ZERO);
        assertEquals(1, budget.leasedNow("rate", "acme"), "idle: the 5 unused went back");
        assertTrue(a.take("rate", "acme", 1, 100, HOUR).allowed());
        a.close();
        assertEquals(2, budget.leasedNow("rate", "acme"));

        budget.window = budget.window.plus(HOUR);
        QuotaLeases b = new QuotaLeases(budget);
        assertTrue(b.take("rate", "acme", 100, 100, HOUR).allowed(), "a new window has the whole budget");
        budget.window = budget.window.plus(HOUR);
        int allowed = 0;
        for (int i = 0; i < 3; i++) {
            allowed += b.take("rate", "acme", 50, 100, HOUR).allowed() ? 1 : 0;
        }
        assertEquals(2, allowed, "the store's next window, seen before this instance's clock ended the last");
    }
}
