package dev.actiongate.agent.policy;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Watches the policy file and calls back when it changed, by looking at it once a second.
 *
 * <p>It polls rather than subscribing to file-system events: events come per folder, and the
 * records file often sits next to the policy, so every governed call would wake a thread to be
 * told about a file it does not care about. A look at the file's size, modification time and
 * identity (through any symbolic links, so a Kubernetes ConfigMap swap of {@code ..data} shows)
 * costs one {@code stat} a second.
 *
 * <p>A change is reported only once two consecutive looks, a second apart, find the file the
 * same: a file saved in place by a slow writer (an editor over a network mount, a deploy tool
 * copying in pieces) changes between looks until it is whole, and a half-written policy with a
 * deny rule missing must never be put in force. A writer that stops for longer than a second
 * half-way can still be seen half-way; replacing the file by renaming a finished one over it
 * never is. Whether the content really changed is for the callback to find out.
 */
public final class PolicyFileWatcher {

    /** How often the file is looked at; a change is reported one to two intervals after it stops. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);

    private PolicyFileWatcher() {}

    /** Starts watching on a daemon thread; closing the result stops it. */
    public static Closeable watch(Path file, Runnable changed) {
        Path absolute = file.toAbsolutePath();
        Snapshot initial = Snapshot.of(absolute);
        Thread thread = new Thread(() -> run(absolute, initial, changed), "actiongate-policy-watch");
        thread.setDaemon(true);
        thread.start();
        return thread::interrupt;
    }

    private static void run(Path file, Snapshot reported, Runnable changed) {
        Snapshot previous = reported;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                TimeUnit.MILLISECONDS.sleep(INTERVAL.toMillis());
                Snapshot now = Snapshot.of(file);
                // Settled: the same on this look and the one before, and not what was reported last.
                if (now.equals(previous) && !now.equals(reported)) {
                    reported = now;
                    runSafely(changed);
                }
                previous = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The callback runs on the watcher's thread: a fault there must not end the watching. */
    private static void runSafely(Runnable changed) {
        try {
            changed.run();
        } catch (RuntimeException e) {
            System.err.println("[actiongate] ERROR policy reload failed: " + e);
        }
    }

    /**
     * What a look at the file shows; all {@code null} when it cannot be read, which is a change
     * too (the reload then reports the file missing).
     */
    private record Snapshot(Object identity, Long size, Long modifiedNanos) {

        static Snapshot of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Snapshot(
                        Objects.requireNonNullElse(attributes.fileKey(), file),
                        attributes.size(),
                        attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
            } catch (IOException | SecurityException e) {
                return new Snapshot(null, null, null);
            }
        }
    }
}
