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
 * costs one {@code stat} a second. Editors save in bursts (truncate, write, rename), so a change
 * is reported once the file has looked the same for a moment; whether the content really
 * changed is for the callback to find out.
 */
public final class PolicyFileWatcher {

    /** How often the file is looked at. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final long SETTLE_MILLIS = 200;

    private PolicyFileWatcher() {
    }

    /** Starts watching on a daemon thread; closing the result stops it. */
    public static Closeable watch(Path file, Runnable changed) {
        Path absolute = file.toAbsolutePath();
        Snapshot initial = Snapshot.of(absolute);
        Thread thread = new Thread(() -> run(absolute, initial, changed), "actiongate-policy-watch");
        thread.setDaemon(true);
        thread.start();
        return thread::interrupt;
    }

    private static void run(Path file, Snapshot seen, Runnable changed) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                TimeUnit.MILLISECONDS.sleep(INTERVAL.toMillis());
                Snapshot now = Snapshot.of(file);
                if (now.equals(seen)) {
                    continue;
                }
                // Let the burst settle: report once the file has stopped changing.
                Snapshot before;
                do {
                    before = now;
                    TimeUnit.MILLISECONDS.sleep(SETTLE_MILLIS);
                    now = Snapshot.of(file);
                } while (!now.equals(before));
                seen = now;
                runSafely(changed);
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
                return new Snapshot(Objects.requireNonNullElse(attributes.fileKey(), file), attributes.size(),
                        attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
            } catch (IOException | SecurityException e) {
                return new Snapshot(null, null, null);
            }
        }
    }
}
