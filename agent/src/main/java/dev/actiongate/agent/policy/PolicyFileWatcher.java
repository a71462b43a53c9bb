package dev.actiongate.agent.policy;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the policy file and calls back when it changed. Editors save in bursts (truncate, write,
 * rename), so events are gathered for a moment before one callback; whether the content really
 * changed is for the callback to find out.
 */
public final class PolicyFileWatcher {

    private static final long SETTLE_MILLIS = 200;

    private PolicyFileWatcher() {
    }

    /** Starts watching on a daemon thread; closing the result stops it. */
    public static java.io.Closeable watch(Path file, Runnable changed) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path folder = absolute.getParent();
        WatchService watcher = FileSystems.getDefault().newWatchService();
        folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        Thread thread = new Thread(() -> run(watcher, absolute.getFileName(), changed), "actiongate-policy-watch");
        thread.setDaemon(true);
        thread.start();
        return watcher;
    }

    private static void run(WatchService watcher, Path name, Runnable changed) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean ours = concerns(key, name);
                key.reset();
                if (!ours) {
                    continue;
                }
                // Let the burst settle. Other files in the folder (often the records file, written
                // on every call) keep producing events; only ours extend the wait.
                long quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
                long left;
                while ((left = quietUntil - System.nanoTime()) > 0) {
                    WatchKey more = watcher.poll(left, TimeUnit.NANOSECONDS);
                    if (more == null) {
                        break;
                    }
                    if (concerns(more, name)) {
                        quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
                    }
                    more.reset();
                }
                runSafely(changed);
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
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

    private static boolean concerns(WatchKey key, Path name) {
        boolean ours = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            // "..data" and friends: Kubernetes swaps a ConfigMap volume's files by re-pointing
            // symbolic links, so the file's own name never appears in an event.
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(event.context())
                    || event.context() instanceof Path changed && changed.toString().startsWith("..")) {
                ours = true;
            }
        }
        return ours;
    }
}
