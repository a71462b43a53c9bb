package dev.actiongate.demo;

/** What the demo can tell about whether an email reached the SMTP server. */
enum Delivery {
    /** Found in the embedded server's mailboxes. */
    YES("yes", true),
    /** Not in the embedded server's mailboxes. */
    NO("no", false),
    /** An external server accepted it; whether it was delivered on is out of sight. */
    SENT("sent", true),
    /** Never handed to the external server. */
    NOT_SENT("not sent", false);

    private final String label;
    private final boolean reachedServer;

    Delivery(String label, boolean reachedServer) {
        this.label = label;
        this.reachedServer = reachedServer;
    }

    String label() {
        return label;
    }

    boolean reachedServer() {
        return reachedServer;
    }
}
