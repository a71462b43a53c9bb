package dev.actiongate.agent.escalation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DenialCounterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final DenialCounter counter = new DenialCounter(now::get);
    private final Duration window = Duration.ofMinutes(10);

    @Test
    void countsPerActorActionAndTenantWithinTheWindow() {
        String key = DenialCounter.key("bot-1", "refund", "acme");
        counter.add(key, window);
        counter.add(key, window);
        counter.add(DenialCounter.key("bot-2", "refund", "acme"), window);
        counter.add(DenialCounter.key("bot-1", "refund", "globex"), window);
        counter.add(DenialCounter.key("bot-1", "delete", "acme"), window);
        assertEquals(2, counter.count(key, window));
        assertEquals(0, counter.count(DenialCounter.key(null, "refund", "acme"), window));
    }

    @Test
    void denialsFallOutOfTheWindowByThemselves() {
        String key = DenialCounter.key("bot", "refund", null);
        counter.add(key, window);
        now.addAndGet(Duration.ofMinutes(6).toNanos());
        counter.add(key, window);
        assertEquals(2, counter.count(key, window));
        now.addAndGet(Duration.ofMinutes(5).toNanos());
        assertEquals(1, counter.count(key, window), "the first denial is 11 minutes old");
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        assertEquals(0, counter.count(key, window));
    }

    @Test
    void keysWithoutRecentDenialsAreDropped() {
        for (int i = 0; i < 2000; i++) {
            counter.add(DenialCounter.key("actor-" + i, "refund", "acme"), window);
            now.addAndGet(Duration.ofSeconds(1).toNanos());
        }
        assertEquals(true, counter.keys() < 2000, "a sweep dropped actors whose denials expired: " + counter.keys());
    }
}
