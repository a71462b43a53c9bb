package dev.actiongate.agent.records;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered decision ids: UUID version 7 (RFC 9562), with a monotonic counter in the random
 * bits so that ids made in the same millisecond still sort in the order they were made. The
 * random bits make ids unique, not secret, so a fast generator is enough.
 */
public final class DecisionIds {

    private static long lastMillis;
    private static long sequence;

    private DecisionIds() {}

    public static String next() {
        long millis = System.currentTimeMillis();
        long seq;
        synchronized (DecisionIds.class) {
            if (millis <= lastMillis) {
                millis = lastMillis;
                sequence++;
            } else {
                lastMillis = millis;
                sequence = ThreadLocalRandom.current().nextInt(1 << 11);
            }
            if (sequence >= (1 << 12)) {
                // 4096 ids in one millisecond: borrow the next millisecond rather than repeat
                lastMillis = ++millis;
                sequence = 0;
            }
            seq = sequence;
        }
        long high = (millis << 16) | 0x7000L | seq;
        long low = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
