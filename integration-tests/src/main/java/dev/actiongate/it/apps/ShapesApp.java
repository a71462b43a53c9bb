package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import dev.actiongate.GovernedAction;

/**
 * Every shape an implementation of an annotated interface method can take: a class, a lambda,
 * a method reference to a static and to an instance method of a class that knows nothing of the
 * interface, and a method inherited from a superclass that does not implement the interface.
 * Each call is attempted through the interface.
 */
public final class ShapesApp {

    private ShapesApp() {}

    public interface Notifier {
        @GovernedAction("notify_user")
        String notify(String user, String text);
    }

    /** Knows nothing of {@link Notifier}; its method only happens to fit. */
    public static class PlainSender {
        public String notify(String user, String text) {
            return Probe.sent("inherited " + user);
        }

        public String send(String user, String text) {
            return Probe.sent("instance reference " + user);
        }

        /** Called directly, not as a {@link Notifier}: must not be governed. */
        public String direct(String user) {
            return notify(user, "direct");
        }
    }

    /** Implements the interface with the method it inherits from {@link PlainSender}. */
    public static final class InheritingNotifier extends PlainSender implements Notifier {}

    public static final class ClassNotifier implements Notifier {
        @Override
        public String notify(String user, String text) {
            return Probe.sent("class " + user);
        }
    }

    static String sendStatic(String user, String text) {
        return Probe.sent("static reference " + user);
    }

    @SuppressWarnings("try")
    public static void main(String[] args) {
        Notifier lambda = (user, text) -> Probe.sent("lambda " + user);
        Notifier staticReference = ShapesApp::sendStatic;
        Notifier instanceReference = new PlainSender()::send;
        Notifier inherited = new InheritingNotifier();
        Notifier plainClass = new ClassNotifier();
        try (ActionContext.Scope scope = ActionContext.builder().actor("shapes").open()) {
            for (String user : new String[] {"ann", "bob"}) {
                Probe.attempt("class " + user, () -> plainClass.notify(user, "hi"));
                Probe.attempt("lambda " + user, () -> lambda.notify(user, "hi"));
                Probe.attempt("static reference " + user, () -> staticReference.notify(user, "hi"));
                Probe.attempt("instance reference " + user, () -> instanceReference.notify(user, "hi"));
                Probe.attempt("inherited " + user, () -> inherited.notify(user, "hi"));
            }
            Probe.fact("plain sender direct", new PlainSender().direct("carl"));
        }
        @SuppressWarnings("SelfEquals") // the point: an instrumented lambda must still equal itself
        boolean selfEqual = lambda.equals(lambda);
        Probe.fact("lambda equals itself", selfEqual);
        Probe.fact("done", true);
    }
}
