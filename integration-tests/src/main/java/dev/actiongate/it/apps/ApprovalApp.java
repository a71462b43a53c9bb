package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.actiongate.ApprovalPendingException;
import dev.actiongate.GovernedAction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs the steps its arguments name, in order, so that a test can hold calls for approval and
 * decide them from outside:
 * <ul>
 *   <li>{@code call:LABEL:TO[:fail_fast][:actor=NAME]}: one governed send to {@code TO};</li>
 *   <li>{@code parallel:N:PREFIX}: {@code N} threads each send to {@code PREFIX-i@example.com}
 *       (labels {@code PREFIX-i}) and wait for a reviewer at the same time;</li>
 *   <li>{@code load:PREFIX:N:STOP}: {@code N} threads send one after another until the test sends
 *       {@code STOP}: thread {@code t}'s call {@code i} (label {@code PREFIX-t-i}) goes to
 *       {@code o-LABEL@x.example}, every third to {@code h-LABEL@x.example} and fails fast;</li>
 *   <li>{@code gate:NAME}: waits until the test sends {@code NAME}, so the test sets the pace;</li>
 *   <li>{@code mark:NAME}: prints {@code MARK NAME}, so the test knows how far the application got.</li>
 * </ul>
 * A fail-fast call that is still pending prints {@code PENDING label<TAB>approval id}.
 */
public final class ApprovalApp {

    private ApprovalApp() {}

    public static final class Mailer {
        @GovernedAction("send_customer_email")
        public String send(String to, String subject) {
            Probe.body("send " + to);
            return "sent " + subject + " to " + to;
        }
    }

    public static void main(String[] args) throws Exception {
        Mailer mailer = new Mailer();
        for (String step : args) {
            String[] parts = step.split(":");
            switch (parts[0]) {
                case "call" -> call(mailer, parts);
                case "parallel" -> parallel(mailer, Integer.parseInt(parts[1]), parts[2]);
                case "load" -> load(mailer, parts[1], Integer.parseInt(parts[2]), parts[3]);
                case "gate" -> Signals.awaitSignal(parts[1]);
                case "mark" -> Signals.mark(parts[1]);
                default -> throw new IllegalArgumentException("unknown step " + step);
            }
            System.out.flush();
        }
    }

    // The scope is what the agent reads; nothing in the body names it.
    @SuppressWarnings("try")
    private static void call(Mailer mailer, String[] parts) {
        String label = parts[1];
        String to = parts[2];
        ActionContext.Approval approval = ActionContext.Approval.WAIT;
        String actor = "support-bot";
        for (int i = 3; i < parts.length; i++) {
            if (parts[i].equals("fail_fast")) {
                approval = ActionContext.Approval.FAIL_FAST;
            } else if (parts[i].startsWith("actor=")) {
                actor = parts[i].substring("actor=".length());
            }
        }
        try (ActionContext.Scope scope = scope(actor).approval(approval).open()) {
            Probe.attempt(label, () -> {
                try {
                    mailer.send(to, "order update");
                } catch (ApprovalPendingException pending) {
                    System.out.println("PENDING " + label + "\t" + pending.decisionId());
                    throw pending;
                }
            });
        }
    }

    // The scope is what the agent reads; nothing in the body names it.
    @SuppressWarnings("try")
    private static void parallel(Mailer mailer, int count, String prefix) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String label = prefix + "-" + i;
            Thread thread = new Thread(
                    () -> {
                        try (ActionContext.Scope scope = scope("support-bot").open()) {
                            Probe.attempt(label, () -> mailer.send(label + "@example.com", "order update"));
                        }
                    },
                    label);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private static void load(Mailer mailer, String prefix, int count, String stop) throws InterruptedException {
        BooleanSupplier stopped = Signals.signalled(stop);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            String thread = prefix + "-" + t;
            threads.add(new Thread(
                    () -> {
                        for (int i = 0; !stopped.getAsBoolean(); i++) {
                            String label = thread + "-" + i;
                            if (i % 3 == 2) {
                                call(mailer, new String[] {"call", label, "h-" + label + "@x.example", "fail_fast"});
                            } else {
                                call(mailer, new String[] {"call", label, "o-" + label + "@x.example"});
                            }
                            pace();
                        }
                    },
                    thread));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** A steady load rather than as fast as the machine goes: the records it leaves stay few enough to read. */
    private static void pace() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ActionContext.Builder scope(String actor) {
        return ActionContext.builder()
                .actor(actor)
                .onBehalfOf("user-42")
                .tenant("acme")
                .reason("ticket 9")
                .environment("production");
    }
}
