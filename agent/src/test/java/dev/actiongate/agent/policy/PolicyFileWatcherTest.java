package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFileWatcherTest {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("try") // the watcher runs while the try block does
    void anEditIsSeenOnceAndOtherFilesInTheFolderAreNot() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "version: \"1\"\n");
        Path records = Files.writeString(dir.resolve("records.jsonl"), "");
        Semaphore changes = new Semaphore(0);
        try (Closeable watching = PolicyFileWatcher.watch(policy, changes::release)) {
            for (int i = 0; i < 200; i++) {
                Files.writeString(records, "{\"n\":" + i + "}\n", StandardOpenOption.APPEND);
                Thread.sleep(10); // spreads the writes over two watcher intervals: the scenario, not a wait
            }
            assertEquals(0, changes.availablePermits(), "records written beside the policy are not a change");
            Files.writeString(policy, "version: \"2\"\n# a longer file\n");
            assertTrue(changes.tryAcquire(5, TimeUnit.SECONDS), "the edit is seen");
            // A second report would come within two intervals: waited for, and failing as soon as it comes.
            assertFalse(
                    changes.tryAcquire(2 * PolicyFileWatcher.INTERVAL.toMillis(), TimeUnit.MILLISECONDS),
                    "reported once, not again");
        }
    }

    @Test
    @SuppressWarnings("try") // the watcher runs while the try block does
    void aKubernetesStyleSwapOfTheDataLinkIsSeen() throws Exception {
        // A ConfigMap volume: policy.yaml -> ..data/policy.yaml, ..data -> ..v1; an update writes
        // ..v2 and renames a new ..data link over the old one.
        Path v1 = Files.createDirectory(dir.resolve("..v1"));
        Files.writeString(v1.resolve("policy.yaml"), "version: \"1\"\n");
        Files.createSymbolicLink(dir.resolve("..data"), Path.of("..v1"));
        Path policy = Files.createSymbolicLink(dir.resolve("policy.yaml"), Path.of("..data/policy.yaml"));
        Semaphore changes = new Semaphore(0);
        try (Closeable watching = PolicyFileWatcher.watch(policy, changes::release)) {
            Path v2 = Files.createDirectory(dir.resolve("..v2"));
            Files.writeString(v2.resolve("policy.yaml"), "version: \"2\"\n");
            Path next = Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..v2"));
            Files.move(
                    next, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(changes.tryAcquire(5, TimeUnit.SECONDS), "the swap is seen");
        }
    }

    @Test
    @SuppressWarnings("try") // the watcher runs while the try block does
    void aFileWrittenInPiecesIsReportedOnlyOnceItIsWhole() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "version: \"1\"\n");
        String whole = "version: \"2\"\ndefault: allow\nrules:\n  - id: closed\n    action: post_entry\n"
                + "    verdict: deny\n";
        List<String> seen = new CopyOnWriteArrayList<>();
        Semaphore changes = new Semaphore(0);
        try (Closeable watching = PolicyFileWatcher.watch(policy, () -> {
            seen.add(read(policy));
            changes.release();
        })) {
            // A slow writer saving in place: truncate, then a line at a time with pauses shorter
            // than the watcher's interval, for several intervals in all.
            try (FileChannel out =
                    FileChannel.open(policy, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (String line : whole.split("(?<=\n)")) {
                    Thread.sleep(300); // the writer's pace, not a wait for the watcher
                    out.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
                }
            }
            assertTrue(changes.tryAcquire(10, TimeUnit.SECONDS), "the whole file is reported");
            assertEquals(List.of(whole), seen, "nothing was reported before the file was whole");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
