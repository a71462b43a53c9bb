package dev.actiongate.it.apps;

import dev.actiongate.GovernedAction;
import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * Governed methods reached every way Java allows: through an interface, an abstract superclass,
 * a generic interface, statically, reflectively, through lambdas and method references, and
 * nested; next to constructors and methods that are not governed.
 */
public final class MatchingApp {

    private MatchingApp() {}

    public interface Notifier {
        @GovernedAction("notify_user")
        void notifyUser(String user);
    }

    public static class SmsNotifier implements Notifier {
        @Override
        public void notifyUser(String user) {
            Probe.body("notify_user " + user);
        }

        /** Same name, other parameters: not the annotated interface method, so not governed. */
        public void notifyUser(String user, int times) {
            Probe.body("overload " + user + " x" + times);
        }

        public void helper() {
            Probe.body("helper");
        }
    }

    public abstract static class Exporter {
        @GovernedAction("export_data")
        public abstract void export(String dataset);
    }

    public static class CsvExporter extends Exporter {
        @Override
        public void export(String dataset) {
            Probe.body("export_data " + dataset);
        }
    }

    public interface Sender<T> {
        @GovernedAction("send_message")
        void send(T message);
    }

    public record Email(String to, String subject) {}

    public static class EmailSender implements Sender<Email> {
        @Override
        public void send(Email message) {
            Probe.body("send_message " + message.to());
        }
    }

    public static final class Maintenance {
        private Maintenance() {}

        @GovernedAction("purge_cache")
        public static void purge(String region) {
            Probe.body("purge_cache " + region);
        }
    }

    public static class Workflow {
        @GovernedAction("outer_step")
        public void outer(String job) {
            Probe.body("outer_step " + job);
            inner(job + "-inner");
        }

        @GovernedAction("inner_step")
        public void inner(String job) {
            Probe.body("inner_step " + job);
        }
    }

    /** Has a governed method; its constructor is never governed. */
    public static class Account {
        public Account(String owner) {
            Probe.body("constructor " + owner);
        }

        @GovernedAction("close_account")
        public void close() {
            Probe.body("close_account");
        }
    }

    public static class Plain {
        public Plain() {
            Probe.body("plain constructor");
        }

        public void work(String what) {
            Probe.body("plain " + what);
        }
    }

    public static void main(String[] args) throws Exception {
        SmsNotifier sms = new SmsNotifier();
        Notifier notifier = sms;
        Exporter exporter = new CsvExporter();
        Sender<Email> sender = new EmailSender();
        Workflow workflow = new Workflow();

        Probe.attempt("interface", () -> notifier.notifyUser("u-interface"));
        Probe.attempt("direct", () -> sms.notifyUser("u-direct"));
        Probe.attempt("overload", () -> sms.notifyUser("u-overload", 2));
        Probe.attempt("helper", sms::helper);
        Probe.attempt("abstract", () -> exporter.export("customers"));
        Probe.attempt("generic", () -> sender.send(new Email("a@example.com", "hi")));
        Probe.attempt("static", () -> Maintenance.purge("eu-west"));

        Method method = SmsNotifier.class.getMethod("notifyUser", String.class);
        Probe.attempt("reflection", () -> method.invoke(sms, "u-reflection"));
        Probe.attempt("reflection-denied", () -> method.invoke(sms, "blocked"));
        Consumer<String> reference = notifier::notifyUser;
        Probe.attempt("method-reference", () -> reference.accept("u-reference"));
        Probe.attempt("method-reference-denied", () -> reference.accept("blocked"));
        Runnable lambda = () -> exporter.export("from-lambda");
        Probe.attempt("lambda", lambda::run);

        Probe.attempt("nested", () -> workflow.outer("job-1"));

        Probe.attempt("constructors", () -> {
            new Account("a-1");
            new Account("a-2");
            new Plain().work("unannotated");
        });
    }
}
