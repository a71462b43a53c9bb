package dev.actiongate.agent.records;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed-size ring of record lines in a memory-mapped file beside the records file
 * ({@code <records>.journal}): where a decision record is put before the governed body runs.
 *
 * <p>Copying a line into a shared mapping puts it in the operating system's page cache without
 * a system call, so a process killed right after still leaves it on disk, as a {@code write}
 * would, at a fraction of the cost. A background thread then appends the ring's lines to the
 * records file in batches; at the next start, {@link RecordLog#open} appends whatever a killed
 * process left in the ring and not in the file, found by following the hash chain.
 *
 * <p>Layout: 8 bytes of magic; 8 bytes holding how many bytes were ever put (stored after the
 * bytes, so a line torn by a kill is not counted); 8 bytes holding how many of those were known
 * to be in the records file at the last {@link #clear}; then the ring. One producer at a time (the
 * holder of the records lock) puts; one consumer at a time copies out what was put, and makes
 * sure the producer never gets more than {@link #room} to overwrite.
 */
final class RecordJournal implements Closeable, LineRing {

    static final int DEFAULT_SIZE = 8 << 20;
    private static final long MAGIC = 0x4147_4a4f_5552_4e32L; // "AGJOURN2"
    private static final int HEADER = 24;
    private static final int PAGE = 4096;

    private final Path path;
    private final RandomAccessFile file;
    private MappedByteBuffer map;
    private int capacity;
    /** Bytes ever put; only the producer writes it. */
    private volatile long put;

    private RecordJournal(Path path, RandomAccessFile file) {
        this.path = path;
        this.file = file;
    }

    /**
     * Opens the journal at {@code path}, creating it when missing, and locks it for this process:
     * a journal has one writer, as its records file has. Changes nothing in it until {@link #reset}.
     *
     * @throws IOException when another process holds it, naming the file
     */
    static RecordJournal open(Path path) throws IOException {
        RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
        try {
            FileLock lock;
            try {
                lock = file.getChannel().tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new Locked(path + " is locked by another process (or agent) writing the same records file");
            }
            return new RecordJournal(path, file);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The journal is another writer's. */
    static final class Locked extends IOException {
        private static final long serialVersionUID = 1L;

        Locked(String message) {
            super(message);
        }
    }

    /** The whole lines a previous process left in this journal, oldest first. */
    List<String> leftOver() throws IOException {
        return linesIn(file);
    }

    /**
     * The whole lines a previous process left in the journal at {@code path}, oldest first;
     * none when there is no journal there. Reads without locking: for looking, not writing.
     */
    static List<String> leftOver(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            return List.of();
        }
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            return linesIn(file);
        }
    }

    /**
     * Empties the journal and makes it {@code size} bytes. The file is written out in full before
     * it is mapped, so its disk blocks exist: putting a line never needs space the disk may not have.
     */
    void reset(int size) throws IOException {
        file.setLength(0);
        file.seek(0);
        byte[] zeros = new byte[1 << 16];
        for (long written = 0; written < size; written += zeros.length) {
            file.write(zeros, 0, (int) Math.min(zeros.length, size - written));
        }
        map = file.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, size);
        // Touch every page now, writing: the first write to a mapped page costs a fault, which
        // the start-up thread pays instead of a governed call.
        for (int at = 0; at < size; at += PAGE) {
            map.put(at, (byte) 0);
        }
        map.putLong(0, MAGIC);
        map.putLong(8, 0);
        map.putLong(16, 0);
        capacity = size - HEADER;
        put = 0;
    }

    /** The whole lines in a journal file, oldest first; none when it is empty or not a journal. */
    private static List<String> linesIn(RandomAccessFile file) throws IOException {
        long length = file.length();
        List<String> lines = new ArrayList<>();
        if (length <= HEADER || length > Integer.MAX_VALUE) {
            return lines;
        }
        file.seek(0);
        if (file.readLong() != MAGIC) {
            return lines;
        }
        long total = file.readLong();
        long cleared = file.readLong();
        int capacity = (int) length - HEADER;
        if (cleared < 0 || cleared > total) {
            return lines;
        }
        byte[] ring = new byte[capacity];
        file.readFully(ring);
        int kept = (int) Math.min(total - cleared, capacity);
        int end = (int) (total % capacity);
        byte[] linear = new byte[kept];
        int start = Math.floorMod(end - kept, capacity);
        for (int i = 0; i < kept; i++) {
            linear[i] = ring[(start + i) % capacity];
        }
        // When the ring has wrapped, its oldest line may have been partly overwritten.
        int from = 0;
        if (total - cleared > capacity) {
            while (from < kept && linear[from] != '\n') {
                from++;
            }
            from++;
        }
        for (int i = from; i < kept; i++) {
            if (linear[i] == '\n') {
                if (i > from) {
                    lines.add(new String(linear, from, i - from, StandardCharsets.UTF_8));
                }
                from = i + 1;
            }
        }
        return lines;
    }

    Path path() {
        return path;
    }

    @Override
    public long end() {
        return put;
    }

    @Override
    public long room(long kept) {
        return capacity - (put - kept);
    }

    @Override
    public void put(ByteBuffer lines) {
        int length = lines.remaining();
        long total = put;
        int at = (int) (total % capacity);
        int first = Math.min(length, capacity - at);
        map.put(HEADER + at, lines, lines.position(), first);
        if (first < length) {
            map.put(HEADER, lines, lines.position() + first, length - first);
        }
        total += length;
        // Stored after the bytes: a kill half-way through leaves the counter at the last whole line.
        map.putLong(8, total);
        put = total;
    }

    @Override
    public void copy(long from, long to, byte[] into) {
        int length = (int) (to - from);
        int at = (int) (from % capacity);
        int first = Math.min(length, capacity - at);
        map.get(HEADER + at, into, 0, first);
        if (first < length) {
            map.get(HEADER, into, first, length - first);
        }
    }

    /** Marks everything put so far as in the records file: nothing for the next start to look at. */
    void clear() {
        map.putLong(16, put);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
