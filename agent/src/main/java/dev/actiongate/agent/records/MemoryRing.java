package dev.actiongate.agent.records;

import java.nio.ByteBuffer;

/**
 * A {@link LineRing} on the heap: the last records a log without a journal wrote to its records
 * file, kept until the background writer has seen that the file is still the one at its path.
 * Putting is a copy, no system call: that check stays off the governed call.
 */
final class MemoryRing implements LineRing {

    static final int DEFAULT_SIZE = 1 << 20;

    private final byte[] ring;
    /** Bytes ever put; only the producer writes it. */
    private volatile long put;

    MemoryRing(int size) {
        this.ring = new byte[size];
    }

    @Override
    public long end() {
        return put;
    }

    @Override
    public long room(long kept) {
        return ring.length - (put - kept);
    }

    @Override
    public void put(ByteBuffer lines) {
        int length = lines.remaining();
        long total = put;
        int at = (int) (total % ring.length);
        int first = Math.min(length, ring.length - at);
        lines.get(lines.position(), ring, at, first);
        if (first < length) {
            lines.get(lines.position() + first, ring, 0, length - first);
        }
        put = total + length;
    }

    @Override
    public void copy(long from, long to, byte[] into) {
        int length = (int) (to - from);
        int at = (int) (from % ring.length);
        int first = Math.min(length, ring.length - at);
        System.arraycopy(ring, at, into, 0, first);
        if (first < length) {
            System.arraycopy(ring, 0, into, first, length - first);
        }
    }
}
