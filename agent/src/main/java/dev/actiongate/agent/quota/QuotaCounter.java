package dev.actiongate.agent.quota;

import java.time.Duration;
import java.time.Instant;

/**
 * Budgets per limit and key in fixed windows, defined by what the gate needs: take an amount if
 * the window has room for it, and give it back when the call it was taken for does not run. The
 * in-memory {@link LocalQuotas} is the default; a store the replicas of a service share implements
 * the same so that a budget spans the fleet. An implementation never lets a window's takes add up
 * to more than {@code max}, also under concurrent calls.
 */
public interface QuotaCounter {

    /**
     * Takes {@code amount} from the budget of {@code limitId} and {@code key} in the window of
     * length {@code window} that is current, if what was taken of it plus {@code amount} stays
     * within {@code max}; else takes nothing.
     *
     * @throws java.io.UncheckedIOException when the budget is kept elsewhere and cannot be reached;
     *     the message names where
     */
    Taken take(String limitId, String key, long amount, long max, Duration window);

    /**
     * Returns what {@code taken} took, when its window is still current (the call it was taken
     * for did not run after all). Never throws.
     */
    void giveBack(String limitId, String key, long amount, Duration window, Taken taken);

    /**
     * What a {@link #take} came to.
     *
     * @param allowed     whether the amount was taken
     * @param current     what the window had used before this take (allowed or not), as far as
     *                    this counter knows
     * @param windowStart when the window began
     */
    record Taken(boolean allowed, long current, Instant windowStart) {}
}
