package dev.actiongate.agent.approvals;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The callers of this process waiting on requests, and how they are woken: a decided or expired
 * request completes its waiters without anyone polling the store.
 */
public final class Waiters {

    private final Map<String, CompletableFuture<Approval>> decided = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /**
     * Waits until {@link #wake} is called for request {@code id}, or returns at once when
     * {@code current} says it is no longer pending. {@code current} is read after the wait is
     * registered, so that a decision taken in between wakes this caller instead of being missed.
     */
    public Approval await(String id, Duration timeout, Supplier<Approval> current)
            throws InterruptedException, TimeoutException {
        CompletableFuture<Approval> decision = decided.computeIfAbsent(id, key -> new CompletableFuture<>());
        Approval now = current.get();
        if (now != null && now.status() != ApprovalStatus.PENDING) {
            return now;
        }
        AtomicInteger count = counts.computeIfAbsent(id, key -> new AtomicInteger());
        count.incrementAndGet();
        try {
            return decision.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("approval " + id + " failed", e.getCause());
        } finally {
            if (count.decrementAndGet() == 0) {
                counts.remove(id, count);
            }
        }
    }

    /** Whether a caller is waiting on request {@code id} right now. */
    public boolean waiting(String id) {
        AtomicInteger count = counts.get(id);
        return count != null && count.get() > 0;
    }

    /**
     * Wakes every waiter whose request {@code current} no longer shows pending: after a spell in
     * which wake-ups may have been missed (a shared store's notifications were cut off).
     */
    public void recheck(java.util.function.Function<String, Approval> current) {
        for (String id : java.util.List.copyOf(decided.keySet())) {
            Approval now = current.apply(id);
            if (now != null && now.status() != ApprovalStatus.PENDING) {
                wake(now);
            }
        }
    }

    /** Lets every caller waiting on {@code approval}'s request go on with it as it now stands. */
    public void wake(Approval approval) {
        CompletableFuture<Approval> waiting = decided.remove(approval.id());
        if (waiting != null) {
            waiting.complete(approval);
        }
    }
}
