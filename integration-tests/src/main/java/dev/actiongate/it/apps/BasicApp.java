package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.actiongate.ActionDeniedException;
import dev.actiongate.GovernedAction;
import java.util.List;

/**
 * Three governed calls of three kinds (an interface method, an instance method, a static
 * method) and the facts a test about configuration or class loading needs. Needs nothing but
 * this module's classes; the annotations jar is optional, since the agent supplies its API.
 * {@code BasicApp NAME...} greets each name, default one {@code world}.
 */
public final class BasicApp {

    /** The labels of the governed calls {@code main} makes without arguments, in order. */
    public static final List<String> CALLS = List.of("greet world", "delete", "transfer");

    private BasicApp() {}

    public interface Storage {
        @GovernedAction("delete_file")
        void delete(String path);
    }

    public static final class LocalStorage implements Storage {
        @Override
        public void delete(String path) {
            Probe.body("delete_file " + path);
        }
    }

    public static final class Greeter {
        @GovernedAction("greet")
        public String greet(String name) {
            Probe.body("greet " + name);
            return "hello " + name;
        }
    }

    public static final class Bank {
        private Bank() {}

        @GovernedAction("transfer_money")
        public static void transfer(String from, String to, long cents) {
            Probe.body("transfer_money " + from + "->" + to);
        }
    }

    @SuppressWarnings("try")
    public static void main(String[] args) {
        Probe.fact("jdk", Runtime.version());
        Probe.fact("pid", ProcessHandle.current().pid());
        Probe.fact("loader.GovernedAction", Probe.origin(GovernedAction.class));
        Probe.fact("loader.ActionDeniedException", Probe.origin(ActionDeniedException.class));
        Probe.fact("loader.ActionContext", Probe.origin(ActionContext.class));
        Probe.fact("environment", ActionContext.current().environment());
        Greeter greeter = new Greeter();
        Storage storage = new LocalStorage();
        try (ActionContext.Scope scope =
                ActionContext.builder().actor("basic-app").open()) {
            String[] names = args.length == 0 ? new String[] {"world"} : args;
            for (String name : names) {
                Probe.attempt("greet " + name, () -> greeter.greet(name));
            }
            Probe.attempt("delete", () -> storage.delete("/srv/data/report.csv"));
            Probe.attempt("transfer", () -> Bank.transfer("acct-1", "acct-2", 12_500));
        }
        Probe.fact("done", true);
    }
}
