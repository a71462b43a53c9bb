package dev.actiongate.it.apps;

/**
 * A method nobody annotated, for a policy's {@code govern:} entry to govern:
 * {@code UnannotatedApp TO...} notifies each address.
 */
public final class UnannotatedApp {

    private UnannotatedApp() {}

    public static final class Notifier {
        public void deliver(String to) {
            Probe.body("notify " + to);
        }
    }

    public static void main(String[] args) {
        Notifier notifier = new Notifier();
        for (String to : args) {
            Probe.attempt("notify " + to, () -> notifier.deliver(to));
        }
        Probe.fact("done", true);
    }
}
