package dev.actiongate.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Plays the reviewer for {@code --auto-approve-after}: while the demo's own thread is held in the
 * governed call, a background thread waits, finds the pending approval of that call by its subject
 * and approves it through the admin API, as a system owner in the console would.
 */
final class AutoApprover {

    static final String COMMENT = "approved by the demo's --auto-approve-after";
    private static final Duration POLL = Duration.ofMillis(200);
    /** The request is filed just before the call starts to wait; this covers a slow machine. */
    private static final Duration FIND_LIMIT = Duration.ofSeconds(30);

    private final Thread thread;

    private AutoApprover(Thread thread) {
        this.thread = thread;
    }

    /**
     * Starts approving the call of {@code scenario} whose subject is {@code subject}, {@code after}
     * from now. Prints one line when it approved it, or why it could not.
     */
    static AutoApprover start(
            AdminApi admin, Scenario scenario, String subject, Duration after, String reviewer, PrintStream out) {
        Thread thread = new Thread(
                () -> {
                    try {
                        Thread.sleep(after.toMillis());
                        approve(admin, scenario, subject, reviewer, out);
                    } catch (InterruptedException e) {
                        // The row ended first (someone decided in the console or CLI): nothing left to do.
                        Thread.currentThread().interrupt();
                    }
                },
                "demo-auto-approver");
        // Never the reason the demo's JVM stays up.
        thread.setDaemon(true);
        thread.start();
        return new AutoApprover(thread);
    }

    private static void approve(AdminApi admin, Scenario scenario, String subject, String reviewer, PrintStream out)
            throws InterruptedException {
        String failure = "no pending approval with subject \"" + subject + "\" within " + FIND_LIMIT.toSeconds() + " s";
        long deadline = System.nanoTime() + FIND_LIMIT.toNanos();
        do {
            JsonNode pending = null;
            try {
                pending = find(admin, subject);
            } catch (IOException e) {
                // The API may hiccup; keep looking until the limit.
                failure = e.getMessage();
            }
            if (pending != null) {
                String id = pending.path("id").asText();
                try {
                    JsonNode approved = admin.approve(id, reviewer, COMMENT);
                    out.println("Auto-approve: " + approved.path("reviewer").asText(reviewer) + " approved request "
                            + id + " (row " + scenario.number() + ", " + scenario.request() + ") after it waited "
                            + seconds(pending.path("age_ms").asLong()) + " s, with the comment \"" + COMMENT + "\"");
                    return;
                } catch (IOException e) {
                    // A refused review (not an approver, already decided) will not change by retrying.
                    failure = e.getMessage();
                    break;
                }
            }
            Thread.sleep(POLL.toMillis());
        } while (System.nanoTime() < deadline);
        out.println("Auto-approve FAILED for row " + scenario.number() + ": " + failure + ". The row keeps waiting"
                + " for a reviewer in the console or CLI until the rule's approval_timeout.");
    }

    private static JsonNode find(AdminApi admin, String subject) throws IOException, InterruptedException {
        for (JsonNode approval : admin.pending()) {
            // Subjects are unique per run and row, and the agent never masks them.
            if (subject.equals(approval.path("arguments").path("subject").asText(null))) {
                return approval;
            }
        }
        return null;
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    /** Stops a thread still waiting or searching: the row it was for has ended. */
    void stop() throws InterruptedException {
        thread.interrupt();
        thread.join(POLL.toMillis() * 5);
    }
}
