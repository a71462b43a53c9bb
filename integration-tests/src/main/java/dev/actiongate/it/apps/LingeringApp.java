package dev.actiongate.it.apps;

/**
 * Makes {@link BasicApp}'s governed calls, prints {@code MARK ready}, then stays up until the
 * test sends {@code exit}, so that the test can look at the running agent.
 */
public final class LingeringApp {

    private LingeringApp() {}

    public static void main(String[] args) throws Exception {
        BasicApp.main(new String[0]);
        Signals.mark("ready");
        Signals.awaitSignal("exit");
    }
}
