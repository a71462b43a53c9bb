package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.actiongate.GovernedAction;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Governed calls under nested {@link ActionContext} scopes, after they close, and on another
 * thread with and without {@link ActionContext#wrap}. Every call names itself in its argument,
 * so the test finds its decision record by {@code arguments.label}.
 */
public final class ContextApp {

    private ContextApp() {}

    public static class Tasks {
        @GovernedAction("run_task")
        public void run(String label) {
            Probe.body("run_task " + label);
        }
    }

    @SuppressWarnings("try")
    public static void main(String[] args) throws Exception {
        Tasks tasks = new Tasks();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool =
                Executors.newSingleThreadExecutor(task -> new Thread(task, "ctx-worker-" + threads.incrementAndGet()));
        try {
            Probe.attempt("no-scope", () -> tasks.run("no-scope"));
            try (ActionContext.Scope outer = ActionContext.builder()
                    .actor("agent-7")
                    .onBehalfOf("user-42")
                    .tenant("acme")
                    .reason("ticket 4711")
                    .attribute("channel", "chat")
                    .open()) {
                Probe.attempt("outer", () -> tasks.run("outer"));
                try (ActionContext.Scope inner = ActionContext.builder()
                        .actor("agent-8")
                        .environment("production")
                        .attribute("priority", "high")
                        .open()) {
                    Probe.attempt("inner", () -> tasks.run("inner"));
                    Probe.fact("inner.context", ActionContext.current());
                }
                Probe.fact("restored.context", ActionContext.current());
                Probe.attempt("outer-again", () -> tasks.run("outer-again"));

                pool.submit(ActionContext.wrap(
                                () -> Probe.attempt("wrapped-runnable", () -> tasks.run("wrapped-runnable"))))
                        .get(30, TimeUnit.SECONDS);
                pool.submit(ActionContext.wrap(() -> {
                            Probe.attempt("wrapped-callable", () -> tasks.run("wrapped-callable"));
                            return null;
                        }))
                        .get(30, TimeUnit.SECONDS);
                pool.submit(() -> Probe.attempt("unwrapped", () -> tasks.run("unwrapped")))
                        .get(30, TimeUnit.SECONDS);
            }
            Probe.fact("after.context", ActionContext.current());
            Probe.attempt("after", () -> tasks.run("after"));

            try (ActionContext.Scope sms =
                    ActionContext.builder().attribute("channel", "sms").open()) {
                Probe.attempt("sms", () -> tasks.run("sms"));
            }
            try (ActionContext.Scope evil =
                    ActionContext.builder().tenant("evil-corp").open()) {
                Probe.attempt("evil-tenant", () -> tasks.run("evil-tenant"));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
