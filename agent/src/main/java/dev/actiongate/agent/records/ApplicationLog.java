package dev.actiongate.agent.records;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;

/**
 * Forwards records to the SLF4J logger {@code actiongate.decisions} of the application, when the
 * application has SLF4J, so ops can route records with their own logging configuration. Found
 * through the governed class's own class loader, by name, so any SLF4J version the application
 * ships works and the agent's relocated copy is never involved.
 */
public final class ApplicationLog implements Consumer<String> {

    public static final String LOGGER_NAME = "actiongate.decisions";

    /** For class loaders without SLF4J. */
    public static final ApplicationLog NONE = new ApplicationLog(null);

    private static final Map<ClassLoader, ApplicationLog> BY_LOADER = new WeakHashMap<>();

    /*
     * Built at run time: the agent jar relocates every "org.slf4j" constant to its own shaded
     * copy, and these names must reach the application's SLF4J.
     */
    private static final String LOGGER_FACTORY = String.join(".", "org", "slf4j", "LoggerFactory");
    private static final String LOGGER = String.join(".", "org", "slf4j", "Logger");

    private final MethodHandle info;

    private ApplicationLog(MethodHandle info) {
        this.info = info;
    }

    /** The application log seen from {@code loader}; {@link #NONE} when it has no SLF4J. */
    public static ApplicationLog of(ClassLoader loader) {
        if (loader == null) {
            return NONE;
        }
        synchronized (BY_LOADER) {
            return BY_LOADER.computeIfAbsent(loader, ApplicationLog::find);
        }
    }

    private static ApplicationLog find(ClassLoader loader) {
        try {
            Class<?> factory = Class.forName(LOGGER_FACTORY, true, loader);
            Class<?> loggerType = Class.forName(LOGGER, false, loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Object logger = lookup.findStatic(factory, "getLogger", MethodType.methodType(loggerType, String.class))
                    .invoke(LOGGER_NAME);
            MethodHandle info = lookup.findVirtual(loggerType, "info", MethodType.methodType(void.class, String.class))
                    .bindTo(logger);
            return new ApplicationLog(info);
        } catch (Throwable noSlf4j) {
            return NONE;
        }
    }

    /** This log, or {@code null} when there is none: what the records file wants to hear from. */
    public Consumer<String> orNull() {
        return info == null ? null : this;
    }

    /** Logs one record line at INFO; never throws. */
    @Override
    public void accept(String line) {
        if (info == null) {
            return;
        }
        try {
            info.invoke(line);
        } catch (Throwable ignored) {
            // the application's logging is its own business; the record is on disk already
        }
    }
}
