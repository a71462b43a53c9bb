package dev.actiongate.agent.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.agent.policy.PolicyLoader;
import dev.actiongate.agent.records.CanonicalJson;
import dev.actiongate.agent.records.ChainVerifier;
import dev.actiongate.agent.records.RecordLog;
import dev.actiongate.agent.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload under load, in-process: four threads call a governed method through the gate while
 * the policy file is replaced under them, each replacement reloaded as the agent's watcher does.
 * Every decision uses one whole policy version, a broken version is rejected and recorded while
 * the old one stays, no call fails because of a swap, and the records file's chain holds. That a
 * running agent's watcher sees the file change is the forked PolicyReloadTest's.
 */
class ReloadUnderLoadTest extends GateCase {

    private static final String ALLOW = """
            version: "v-allow"
            rules:
              - id: ledger-open
                action: post_entry
                verdict: allow
            """;
    private static final String DENY = """
            version: "v-deny"
            rules:
              - id: ledger-closed
                action: post_entry
                verdict: deny
                reason: books are closed
            """;
    private static final String BROKEN = """
            version: "v-broken"
            rules:
              - id: ledger-open
                action: post_entry
                verdict: perhaps
            """;

    @TempDir
    Path dir;

    private final int post = register("post_entry", "post", List.of("cents"));
    private final AtomicLong allowed = new AtomicLong();
    private final AtomicLong denied = new AtomicLong();
    private final ConcurrentLinkedQueue<Throwable> failed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    @Test
    void policiesSwapWholeUnderLoadAndABrokenOneIsRejected() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), ALLOW);
        Path file = dir.resolve("records.jsonl");
        RecordLog records = RecordLog.open(file);
        Gate gate = gate(new GateState(
                new PolicyLoader().load(policy), null, records, null, HOST_1, null, "approvals are not under test"));
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread caller = new Thread(() -> callUntilStopped(gate), "reload-caller");
            callers.add(caller);
            caller.start();
        }
        try {
            awaitMore("allowed calls under v-allow", allowed);
            replace(policy, DENY);
            assertEquals(false, gate.reload(policy, "file-change").rejected());
            awaitMore("denied calls under v-deny", denied);
            replace(policy, BROKEN);
            assertEquals(true, gate.reload(policy, "file-change").rejected());
            awaitMore("denied calls after the broken policy, v-deny still in force", denied);
            replace(policy, ALLOW);
            assertEquals(false, gate.reload(policy, "file-change").rejected());
            awaitMore("allowed calls under v-allow again", allowed);
        } finally {
            stop.set(true);
            for (Thread caller : callers) {
                caller.join();
            }
            gate.close();
            records.close();
        }

        assertEquals(List.of(), List.copyOf(failed), "no call failed because of a swap");
        ChainVerifier.Result chain = ChainVerifier.verify(file);
        assertTrue(chain.intact(), chain.problem());
        List<Map<String, Object>> written = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            written.add(CanonicalJson.parse(line));
        }
        List<Map<String, Object>> decisions = kind(written, "decision");
        for (Map<String, Object> decision : decisions) {
            String version = String.valueOf(decision.get("policy_version"));
            String verdict = String.valueOf(decision.get("verdict"));
            assertTrue(
                    (version.equals("v-allow") && verdict.equals("allow"))
                            || (version.equals("v-deny") && verdict.equals("deny")),
                    "one whole policy per decision: " + decision);
        }
        assertEquals(
                List.of("v-allow -> v-deny", "v-deny -> v-allow"),
                kind(written, "policy_loaded").stream()
                        .map(l -> l.get("old_version") + " -> " + l.get("new_version"))
                        .toList());
        List<Map<String, Object>> rejected = kind(written, "policy_rejected");
        assertEquals(1, rejected.size(), rejected.toString());
        assertEquals("v-deny", rejected.get(0).get("in_force_version"));
        assertTrue(
                rejected.get(0).get("problems").toString().contains("unknown verdict 'perhaps'"), rejected.toString());
        assertEquals(allowed.get() + denied.get(), decisions.size(), "a record for every call decided");
    }

    /** What each caller does until told to stop: a call after another, counted by how it ended. */
    private void callUntilStopped(Gate gate) {
        while (!stop.get()) {
            try {
                Object token = gate.enter(post, new Object[] {10L});
                gate.exit(token, null);
                allowed.incrementAndGet();
            } catch (ActionDeniedException e) {
                denied.incrementAndGet();
            } catch (RuntimeException | Error e) {
                failed.add(e);
            }
            // Paces the calls as a busy service makes them; it waits for nothing. Without it four
            // threads would write records as fast as two shared cores allow.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Waits until {@code counter} grew past where it stands now: calls were decided since. */
    private static void awaitMore(String what, AtomicLong counter) {
        long now = counter.get();
        Await.until(what, () -> counter.get() > now + 10);
    }

    private static List<Map<String, Object>> kind(List<Map<String, Object>> records, String kind) {
        return records.stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    /** As editors and deployment tools do: write aside, then move over the policy file. */
    private static void replace(Path policy, String content) throws Exception {
        Path next = Files.writeString(policy.resolveSibling("policy.yaml.next"), content);
        Files.move(next, policy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
