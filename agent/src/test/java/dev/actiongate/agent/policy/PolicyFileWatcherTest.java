package dev.actiongate.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
                Thread.sleep(10);
            }
            assertEquals(0, changes.availablePermits(), "records written beside the policy are not a change");
            Files.writeString(policy, "version: \"2\"\n# a longer file\n");
            assertTrue(changes.tryAcquire(5, TimeUnit.SECONDS), "the edit is seen");
            Thread.sleep(2 * PolicyFileWatcher.INTERVAL.toMillis());
            assertEquals(0, changes.availablePermits(), "once");
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
            Files.move(next, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(changes.tryAcquire(5, TimeUnit.SECONDS), "the swap is seen");
        }
    }
}
