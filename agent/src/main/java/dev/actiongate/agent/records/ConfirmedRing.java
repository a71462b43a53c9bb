package dev.actiongate.agent.records;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The records written last (the journal, or a ring in memory without one), and how far they are
 * known to be in the file at the records path: written before a look at the path found that same
 * file there. What lies beyond is written again into a new file if the old one turns out to be
 * gone. Guarded by the copy lock of the {@link RecordsFile} that holds it; {@link #room} and
 * {@link #allConfirmed} are also read by the holder of the records lock alone (which alone puts
 * lines), hence the volatile mark.
 */
final class ConfirmedRing {

    private LineRing ring;
    /** How far (in {@link LineRing#end()} bytes) the ring is known to be in the file at the path. */
    private volatile long confirmed;
    /**
     * The hash of the record that ends at {@link #confirmed}: what a new file's chain continues
     * from. Read from the ring when confirmed, while the ring cannot yet have overwritten it.
     */
    private String confirmedHash;
    /** Counts ring and file changes, so that a look taken before one confirms nothing after it. */
    private int generation;

    ConfirmedRing(LineRing ring, String lastHash) {
        this.ring = ring;
        this.confirmedHash = lastHash;
    }

    long end() {
        return ring.end();
    }

    /** Room for new lines without overwriting any not yet confirmed. */
    long room() {
        return ring.room(confirmed);
    }

    void put(ByteBuffer lines) {
        ring.put(lines);
    }

    int generation() {
        return generation;
    }

    String confirmedHash() {
        return confirmedHash;
    }

    /** Records up to {@code upTo} are in the file at the path, unless the ring or file changed since {@code seen}. */
    void confirm(long upTo, int seen) {
        if (seen == generation) {
            confirmTo(upTo);
        }
    }

    void confirmTo(long upTo) {
        if (upTo > confirmed && endsLine(upTo)) {
            byte[] hash = new byte[64];
            ring.copy(upTo - ChainedLines.END.length - 64, upTo - ChainedLines.END.length, hash);
            confirmedHash = new String(hash, StandardCharsets.US_ASCII);
            confirmed = upTo;
        }
    }

    /**
     * Whether {@code upTo} ends a record line. A copy that failed part-way (a full disk) leaves
     * the journal's copy position inside a line; confirming there would read a hash from the
     * middle of a record. The next whole copy confirms instead.
     */
    private boolean endsLine(long upTo) {
        if (upTo < ChainedLines.END.length + 64) {
            return false;
        }
        byte[] tail = new byte[ChainedLines.END.length];
        ring.copy(upTo - ChainedLines.END.length, upTo, tail);
        return Arrays.equals(tail, ChainedLines.END);
    }

    /** Whether every line put is known to be in the file at the path. */
    boolean allConfirmed() {
        return confirmed == ring.end();
    }

    /** The lines not known to be in the file at the path. */
    byte[] unconfirmed() {
        long to = ring.end();
        byte[] lines = new byte[(int) (to - confirmed)];
        ring.copy(confirmed, to, lines);
        return lines;
    }

    /** Everything up to {@code upTo} is in a new file whose chain now ends with {@code hash}. */
    void confirmedInNewFile(long upTo, String hash) {
        confirmed = upTo;
        confirmedHash = hash;
        generation++;
    }

    /** Goes on in {@code fresh}, empty; everything before is in the file, which ends with {@code hash}. */
    void restart(LineRing fresh, String hash) {
        ring = fresh;
        confirmed = 0;
        confirmedHash = hash;
        generation++;
    }
}
