package dev.actiongate.it.apps;

import dev.actiongate.GovernedAction;

/**
 * Makes one ordinary governed call, then one whose body halts the JVM on the spot (no shutdown
 * hooks, no flushing), as a crash would.
 */
public final class CrashApp {

    private CrashApp() {}

    public static class Reactor {
        @GovernedAction("inspect_reactor")
        public void inspect(String part) {
            Probe.body("inspect_reactor " + part);
        }

        @GovernedAction("scram_reactor")
        public void scram(int exitCode) {
            Probe.body("scram_reactor");
            System.out.flush();
            Runtime.getRuntime().halt(exitCode);
        }
    }

    public static void main(String[] args) {
        Reactor reactor = new Reactor();
        Probe.attempt("inspect", () -> reactor.inspect("core"));
        if (args.length > 0 && args[0].equals("--crash")) {
            Probe.attempt("scram", () -> reactor.scram(3));
        }
    }
}
