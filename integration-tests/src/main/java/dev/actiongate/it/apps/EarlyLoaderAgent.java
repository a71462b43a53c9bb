package dev.actiongate.it.apps;

import java.lang.instrument.Instrumentation;

/**
 * Another {@code -javaagent}, listed before ActionGate's, that loads application classes while
 * it starts, as monitoring agents do: {@code -javaagent:early.jar=CLASS,CLASS}.
 */
public final class EarlyLoaderAgent {

    private EarlyLoaderAgent() {}

    public static void premain(String args, Instrumentation instrumentation) throws ClassNotFoundException {
        for (String name : args.split(",")) {
            Class.forName(name, true, ClassLoader.getSystemClassLoader());
        }
        System.out.println("FACT early-loaded=" + args);
    }
}
