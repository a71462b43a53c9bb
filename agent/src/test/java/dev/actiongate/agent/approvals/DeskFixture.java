package dev.actiongate.agent.approvals;

import dev.actiongate.agent.records.RecentRecords;
import dev.actiongate.agent.records.RecordLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the approvals tests share: the draft of a held call, and a desk (without its sweeper, so
 * that requests expire only when a test says so) over a store whose records go either to a list
 * in memory, read back newest first as the records file gives them, or to a real records file.
 */
public final class DeskFixture {

    private DeskFixture() {}

    /** A refund of 5 that alice may approve (alice or bob may review it); {@code digest} binds the call. */
    public static ApprovalDraft draft(String id, String digest) {
        return draft(id, digest, List.of("alice"));
    }

    /** As {@link #draft(String, String)}, approved by {@code approvers}. */
    public static ApprovalDraft draft(String id, String digest, List<String> approvers) {
        return draft(id, digest, "bot", "user-1", approvers, Set.of("alice", "bob"));
    }

    /** A refund of 5 by {@code actor} for {@code onBehalfOf}, which {@code reviewers} may review. */
    public static ApprovalDraft draft(
            String id, String digest, String actor, String onBehalfOf, List<String> approvers, Set<String> reviewers) {
        return new ApprovalDraft(
                id,
                "refund",
                "C#m()",
                actor,
                onBehalfOf,
                "acme",
                "prod",
                "t-1",
                Map.of("amount", 5),
                List.of("r"),
                "why",
                approvers,
                reviewers,
                "v1",
                digest);
    }

    /** A desk over {@code store} that writes its records to {@code records} and checks the store against them. */
    static FileApprovals inMemory(Path store, Clock clock, List<Map<String, Object>> records) throws IOException {
        return FileApprovals.open(store, Duration.ofHours(1), clock, records::add, (since, each) -> {
            for (int i = records.size() - 1; i >= 0; i--) {
                each.accept(records.get(i));
            }
        });
    }

    /** A desk over {@code store} that writes its records with {@code recorder} and checks the store against {@code history}. */
    public static Approvals recording(
            Path store, Duration validity, Clock clock, Approvals.Recorder recorder, Approvals.History history)
            throws IOException {
        return FileApprovals.open(store, validity, clock, recorder, history);
    }

    /** Expires what is due on {@code desk}, one of this fixture's, as its sweeper would; returns how many. */
    public static int expireDue(Approvals desk) {
        return ((FileApprovals) desk).expireDue();
    }

    /** A desk over {@code store} whose records go to {@code log}, and are read back from its file. */
    public static Approvals onLog(Path store, RecordLog log) throws IOException {
        return FileApprovals.open(
                store,
                Duration.ofHours(1),
                Clock.systemUTC(),
                record -> log.append(record, null),
                (since, each) -> RecentRecords.newestFirst(log.path(), since, each));
    }
}
