package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.actiongate.GovernedAction;

/**
 * An AI agent that keeps trying a refund the policy denies, then one other actor trying once.
 * {@code EscalationApp ATTEMPTS}: the actor's attempts; then it prints {@code MARK done} and
 * stays alive until the test sends {@code exit}, so that webhook deliveries can finish.
 */
public final class EscalationApp {

    private EscalationApp() {}

    public static final class Payments {
        @GovernedAction("refund")
        public void refund(long amount) {
            Probe.body("refund " + amount);
        }
    }

    @SuppressWarnings("try")
    public static void main(String[] args) {
        int attempts = Integer.parseInt(args[0]);
        Payments payments = new Payments();
        try (ActionContext.Scope scope = ActionContext.builder()
                .actor("agent-9")
                .tenant("acme")
                .reason("r")
                .open()) {
            for (int i = 1; i <= attempts; i++) {
                long amount = 5_000L + i;
                Probe.attempt("agent-9 #" + i, () -> payments.refund(amount));
            }
        }
        try (ActionContext.Scope scope = ActionContext.builder()
                .actor("person-1")
                .tenant("acme")
                .reason("r")
                .open()) {
            Probe.attempt("person-1 #1", () -> payments.refund(9_000));
        }
        Signals.mark("done");
        Signals.awaitSignal("exit");
    }
}
