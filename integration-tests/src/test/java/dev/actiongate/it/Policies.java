package dev.actiongate.it;

/** Policies more than one end-to-end test runs under, written once so that they cannot drift apart. */
final class Policies {

    /** Allows nothing: any governed body that runs got past the gate. */
    static final String DENY_ALL = """
            version: "deny-all-1"
            default: deny
            rules:
              - id: nothing-else
                action: never_called
                verdict: allow
            """;

    private Policies() {}
}
