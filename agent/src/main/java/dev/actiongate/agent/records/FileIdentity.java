package dev.actiongate.agent.records;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which file a path names at one moment: its file key (device and inode on Unix), or that it
 * names none. A log compares the identity its records file had when it was opened with the
 * path's current one to notice that the file was deleted, moved away or replaced, all of which
 * leave it writing into a file nobody reads at that path.
 *
 * @param key     the file key, {@code null} when the path names no file or the platform has no
 *                keys (then only a missing file can be noticed)
 * @param exists  whether the path names a file
 * @param problem why the path could not be looked at, or {@code null}
 */
record FileIdentity(Object key, boolean exists, String problem) {

    /** The identity of the file at {@code path} now: one {@code stat}. */
    static FileIdentity of(Path path) {
        try {
            return new FileIdentity(
                    Files.readAttributes(path, BasicFileAttributes.class).fileKey(), true, null);
        } catch (NoSuchFileException e) {
            return new FileIdentity(null, false, null);
        } catch (IOException | RuntimeException e) {
            return new FileIdentity(null, false, e.toString());
        }
    }

    /**
     * What became of this file, given the identity its path has {@code now}; {@code null} when
     * the path still names it.
     */
    Change changeTo(FileIdentity now) {
        if (now.problem() != null) {
            return new Change("unreadable", "can no longer be looked at (" + now.problem() + ")");
        }
        if (!now.exists()) {
            return new Change("deleted", "was deleted or moved away");
        }
        if (key != null && !key.equals(now.key())) {
            return new Change("replaced", "was replaced by another file " + now.key());
        }
        return null;
    }

    /** The key as a record shows it, e.g. {@code (dev=803,ino=1234)}. */
    String describe() {
        return key == null ? null : key.toString();
    }

    /**
     * What happened to a records file.
     *
     * @param reason    {@code deleted} (deleted or moved away: the path names no file), {@code replaced}
     *                  (it names another file) or {@code unreadable}: what a continuation record says
     * @param described the same for a log line, completing "the records file PATH ..."
     */
    record Change(String reason, String described) {}
}
