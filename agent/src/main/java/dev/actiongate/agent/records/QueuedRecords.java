package dev.actiongate.agent.records;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Records that may follow their event by moments (outcomes), queued for the next write. The
 * queue is bounded: when it is full the producer writes its record itself, so memory stays
 * bounded and nothing is dropped.
 */
final class QueuedRecords {

    private static final int CAPACITY = 16_384;

    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    /** Records counted in and not yet taken: bounds the queue, and tells a flush when it is done. */
    private final AtomicInteger outstanding = new AtomicInteger();

    /** A serialised record waiting to be chained and written, and who wants its line once written. */
    record Pending(byte[] body, Consumer<String> written, boolean queued) {}

    /** Queues {@code body}; {@code false} when the queue is full, and the caller must write it itself. */
    boolean offer(byte[] body, Consumer<String> written) {
        if (outstanding.incrementAndGet() > CAPACITY) {
            outstanding.decrementAndGet();
            return false;
        }
        queue.add(new Pending(body, written, true));
        return true;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Whether records were counted in and not yet taken (one may be on its way into the queue). */
    boolean outstanding() {
        return outstanding.get() > 0;
    }

    /** Moves queued records into {@code batch}. Callers hold the records lock, so queue order is file order. */
    void drainTo(List<Pending> batch) {
        Pending next;
        int taken = 0;
        while ((next = queue.poll()) != null) {
            batch.add(next);
            taken++;
        }
        // Counted off once taken: from here on a record is either written or reported unwritten.
        outstanding.addAndGet(-taken);
    }

    /** Hands each line someone asked for to them: the lines follow one another in {@code lines}. */
    static void tellWritten(List<Pending> batch, ByteBuffer lines) {
        int offset = 0;
        for (Pending pending : batch) {
            int length = pending.body().length + ChainedLines.LINK_LENGTH;
            if (pending.written() != null) {
                pending.written().accept(new String(lines.array(), offset, length - 1, StandardCharsets.UTF_8));
            }
            offset += length;
        }
    }
}
