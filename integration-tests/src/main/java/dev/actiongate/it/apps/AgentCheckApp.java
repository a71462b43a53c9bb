package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.actiongate.ActionGate;
import dev.actiongate.GovernedAction;

/**
 * Asks the API whether the agent runs, then opens scopes, nested, one after the other and on a
 * second thread, around governed calls: without the agent the API warns once, whatever the
 * number of scopes.
 */
public final class AgentCheckApp {

    private AgentCheckApp() {}

    public static final class Mailer {
        @GovernedAction("send_mail")
        public void send(String to) {
            Probe.body("send " + to);
        }
    }

    @SuppressWarnings("try")
    public static void main(String[] args) throws InterruptedException {
        Probe.fact("agentRunning", ActionGate.agentRunning());
        try {
            ActionGate.requireAgent();
            Probe.fact("requireAgent", "returned");
        } catch (IllegalStateException e) {
            Probe.fact("requireAgent", e.getClass().getName() + ": " + e.getMessage());
        }
        Mailer mailer = new Mailer();
        for (int i = 0; i < 3; i++) {
            String label = "send " + i;
            try (ActionContext.Scope outer =
                            ActionContext.builder().actor("check-app").open();
                    ActionContext.Scope inner =
                            ActionContext.builder().tenant("tenant-" + i).open()) {
                Probe.attempt(label, () -> mailer.send("someone@example.com"));
            }
        }
        Thread other = new Thread(() -> {
            try (ActionContext.Scope scope =
                    ActionContext.builder().actor("check-app-thread").open()) {
                Probe.attempt("send on thread", () -> mailer.send("other@example.com"));
            }
        });
        other.start();
        other.join();
        Probe.fact("done", true);
    }
}
