package dev.actiongate.agent.approvals;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file that keeps approval requests across restarts: JSON Lines, one line per change, the
 * last line of an id being its state. Every change is forced to disk before it is acted on, so a
 * reviewer's approval survives a crash the moment the API has answered. On open the file is
 * compacted to the requests still open; closed ones live on in the decision records. Every line
 * is sealed ({@link StoreLines}); a request with a line whose seal does not hold is refused.
 *
 * <p>Not thread-safe by itself: {@link FileApprovals} serialises access.
 */
final class ApprovalStore implements Closeable {

    private final Path file;
    /**
     * A stream, not a {@code FileChannel}: a channel is closed for good when a thread that is
     * interrupted writes to it, and the callers that write here are the application's threads
     * (a held call files its request, a call consumes its approval). One interrupted call must
     * not close the store for every later approval; the interrupted call itself stops at its wait.
     */
    private final FileOutputStream out;
    /** Held while open: compaction replaces the store file, so the lock is on a file beside it. */
    private final FileChannel lock;

    private final StoreKey key;
    /** The seal of the last line written, which the next one is chained to. */
    private String last;

    private final Map<String, Approval> byId = new LinkedHashMap<>();
    /** What the file said when it was opened, seals checked. */
    private final StoreLines.Read opened;

    private ApprovalStore(
            Path file,
            FileOutputStream out,
            FileChannel lock,
            StoreKey key,
            String last,
            Map<String, Approval> loaded,
            StoreLines.Read opened) {
        this.file = file;
        this.out = out;
        this.lock = lock;
        this.key = key;
        this.last = last;
        this.byId.putAll(loaded);
        this.opened = opened;
    }

    /**
     * Opens {@code file}, creating it if needed. A last line cut short by a crash is dropped;
     * any other unreadable line is an error naming it, since guessing would lose approvals.
     */
    static ApprovalStore open(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        FileChannel lock = lock(absolute);
        try {
            return open(absolute, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * One process at a time: a second one compacting the file would drop what the first one
     * writes. The lock goes with the process, whichever way it ends.
     */
    private static FileChannel lock(Path store) throws IOException {
        Path lockFile = store.resolveSibling(store.getFileName() + ".lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null;
        }
        if (held == null) {
            channel.close();
            throw new IOException(store + " is in use by another process (or agent): give every process an"
                    + " approvals store of its own (key 'approvals', or a records file of its own)");
        }
        return channel;
    }

    private static ApprovalStore open(Path absolute, FileChannel lock) throws IOException {
        StoreKey key = StoreKey.openOrCreate(absolute);
        StoreLines.Read read = new StoreLines.Read(Map.of(), Map.of(), List.of());
        String last = StoreKey.GENESIS;
        Set<String> refusedNow = new HashSet<>();
        if (Files.exists(absolute)) {
            read = StoreLines.read(absolute, Files.readAllLines(absolute, StandardCharsets.UTF_8), key);
            read.broken().forEach(broken -> refusedNow.add(broken.id()));
            // The open requests, and the ones refused right now, so that the store itself says so
            // until the next start; closed ones live on in the decision records.
            StringBuilder text = new StringBuilder();
            for (Approval approval : read.approvals().values()) {
                if (approval.status().open() || refusedNow.contains(approval.id())) {
                    StoreLines.Sealed sealed = StoreLines.seal(approval, last, key);
                    text.append(sealed.text());
                    last = sealed.seal();
                }
            }
            Path compacted = absolute.resolveSibling(absolute.getFileName() + ".tmp");
            Files.deleteIfExists(compacted);
            createPrivate(compacted);
            try (FileChannel out =
                    FileChannel.open(compacted, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                writeFully(out, text.toString());
                out.force(true);
            }
            Files.move(compacted, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(absolute)) {
            createPrivate(absolute);
        }
        Map<String, Approval> loaded = new LinkedHashMap<>(read.approvals());
        // A request refused at an earlier start was recorded then; only this start's refusals stay in view.
        loaded.values().removeIf(approval -> !approval.status().open() && !refusedNow.contains(approval.id()));
        return new ApprovalStore(
                absolute, new FileOutputStream(absolute.toFile(), true), lock, key, last, loaded, read);
    }

    /** Requests name actors, tenants and arguments: the file is readable by the service's user only. */
    private static void createPrivate(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
    }

    Path path() {
        return file;
    }

    /** What the file said when it was opened: the lines whose seal did not hold, and where each request was read. */
    StoreLines.Read opened() {
        return opened;
    }

    /** Writes {@code approval} durably, sealed, then makes it the current state of its id. */
    void put(Approval approval) throws IOException {
        StoreLines.Sealed sealed = StoreLines.seal(approval, last, key);
        out.write(sealed.text().getBytes(StandardCharsets.UTF_8));
        out.getFD().sync();
        last = sealed.seal();
        byId.put(approval.id(), approval);
    }

    Approval get(String id) {
        return byId.get(id);
    }

    /** Every request this process knows, oldest first. */
    List<Approval> all() {
        return new ArrayList<>(byId.values());
    }

    /** The open request (pending or approved) bound to {@code digest}, or {@code null}. */
    Approval openFor(String digest) {
        for (Approval approval : byId.values()) {
            if (approval.status().open() && approval.actionDigest().equals(digest)) {
                return approval;
            }
        }
        return null;
    }

    /** The latest rejected request bound to {@code digest} that this process knows, or {@code null}. */
    Approval rejectedFor(String digest) {
        Approval latest = null;
        for (Approval approval : byId.values()) {
            if (approval.status() == ApprovalStatus.REJECTED
                    && approval.actionDigest().equals(digest)
                    && (latest == null || approval.reviewedAt().isAfter(latest.reviewedAt()))) {
                latest = approval;
            }
        }
        return latest;
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            lock.close();
        }
    }

    private static void writeFully(FileChannel channel, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
