package dev.actiongate.agent.escalation;

import java.time.Duration;

/**
 * Events per key in a sliding window, defined by what the gate needs to escalate repeated
 * denials (and quotas to count calls): how many a key had lately, and one more. The in-memory
 * {@link DenialCounter} is the default; a store the replicas of a service share implements the
 * same two methods so that a window spans the fleet.
 */
public interface EventCounter {

    /** How many events {@code key} had within {@code window} up to now. */
    int count(String key, Duration window);

    /** Counts one more event for {@code key}, now; {@code window} says how long it must be kept. */
    void add(String key, Duration window);
}
