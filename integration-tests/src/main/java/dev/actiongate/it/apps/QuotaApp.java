package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.actiongate.GovernedAction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Calls under the policy's limits, many at once, as the steps its arguments name:
 * <ul>
 *   <li>{@code send:N:PREFIX}: {@code N} threads each send one email (labels {@code PREFIX-i}),
 *       released together;</li>
 *   <li>{@code refund:N:PREFIX:CENTS}: {@code N} threads each refund {@code CENTS}, released together;</li>
 *   <li>{@code gate:NAME}, {@code mark:NAME}: as in {@link ApprovalApp}.</li>
 * </ul>
 * Every call is made for the tenant {@code acme}.
 */
public final class QuotaApp {

    private QuotaApp() {}

    public static final class Desk {
        @GovernedAction("send_customer_email")
        public void send(String to) {
            Probe.body("send " + to);
        }

        @GovernedAction("refund_payment")
        public void refund(String order, long cents) {
            Probe.body("refund " + order + " " + cents);
        }
    }

    public static void main(String[] args) throws Exception {
        Desk desk = new Desk();
        for (String step : args) {
            String[] parts = step.split(":");
            switch (parts[0]) {
                case "send" ->
                    together(Integer.parseInt(parts[1]), parts[2], label -> desk.send(label + "@example.com"));
                case "refund" -> {
                    long cents = Long.parseLong(parts[3]);
                    together(Integer.parseInt(parts[1]), parts[2], label -> desk.refund(label, cents));
                }
                case "gate" -> Signals.awaitSignal(parts[1]);
                case "mark" -> Signals.mark(parts[1]);
                default -> throw new IllegalArgumentException("unknown step " + step);
            }
            System.out.flush();
        }
    }

    private interface Call {
        void run(String label) throws Exception;
    }

    // The scope is what the agent reads; nothing in the body names it.
    @SuppressWarnings("try")
    private static void together(int count, String prefix, Call call) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String label = prefix + "-" + i;
            Thread thread = new Thread(
                    () -> {
                        try (ActionContext.Scope scope = ActionContext.builder()
                                .actor("billing-bot")
                                .tenant("acme")
                                .open()) {
                            go.await();
                            Probe.attempt(label, () -> call.run(label));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    label);
            threads.add(thread);
            thread.start();
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
