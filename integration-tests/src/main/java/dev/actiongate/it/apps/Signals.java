package dev.actiongate.it.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * How a test and its running application keep pace: the application prints {@code MARK name}
 * when it got somewhere, and blocks on its standard input until the test sends a name. JDK only,
 * so that an application can use it before an agent is attached without loading any ActionGate
 * class.
 */
public final class Signals {

    private static final BufferedReader INPUT =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    private Signals() {}

    /** Prints {@code MARK name}, so that the test knows how far the application got. */
    public static void mark(String name) {
        System.out.println("MARK " + name);
        System.out.flush();
    }

    /**
     * Blocks until the test sends the line {@code name} on standard input; lines before it are
     * skipped. Input that ends first means the test gave up on the application.
     */
    public static void awaitSignal(String name) {
        System.out.flush();
        try {
            String line;
            while ((line = INPUT.readLine()) != null) {
                if (line.equals(name)) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("standard input ended before the test sent " + name);
    }

    /**
     * A flag that turns true once the test sends {@code name}, for threads that work until told
     * to stop; a daemon thread waits for it.
     */
    public static BooleanSupplier signalled(String name) {
        AtomicBoolean seen = new AtomicBoolean();
        Thread waiter = new Thread(
                () -> {
                    awaitSignal(name);
                    seen.set(true);
                },
                "await-" + name);
        waiter.setDaemon(true);
        waiter.start();
        return seen::get;
    }
}
