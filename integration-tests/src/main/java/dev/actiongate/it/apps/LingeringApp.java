package dev.actiongate.it.apps;

/**
 * Makes {@link BasicApp}'s governed calls, then stays up for {@code LINGER_MS} so that a test can
 * look at the running agent.
 */
public final class LingeringApp {

    private LingeringApp() {
    }

    public static void main(String[] args) throws Exception {
        BasicApp.main(new String[0]);
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.parseLong(args[0]));
    }
}
