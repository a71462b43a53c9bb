package dev.actiongate.agent.gate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Consumer;

/**
 * The application's own SLF4J, as seen from a governed class's class loader: records are logged
 * to its {@code actiongate.decisions} logger so ops can route them with their own logging
 * configuration, and {@code context_mdc} reads its MDC. Found by name, so any SLF4J version the
 * application ships works and the agent's relocated copy is never involved.
 */
final class ApplicationSlf4j implements Consumer<String> {

    static final String LOGGER_NAME = "actiongate.decisions";

    /** For class loaders without SLF4J. */
    static final ApplicationSlf4j NONE = new ApplicationSlf4j(null, null);

    /*
     * Built at run time: the agent jar relocates every "org.slf4j" constant to its own shaded
     * copy, and these names must reach the application's SLF4J.
     */
    private static final String LOGGER_FACTORY = String.join(".", "org", "slf4j", "LoggerFactory");
    private static final String LOGGER = String.join(".", "org", "slf4j", "Logger");
    private static final String MDC = String.join(".", "org", "slf4j", "MDC");

    /**
     * One per application SLF4J, kept by its {@code LoggerFactory} class: the method handles
     * reach into that class's loader, so a map keyed by loaders would keep every loader alive
     * through its own value. A class value lives exactly as long as the class, and its loader.
     */
    private static final ClassValue<ApplicationSlf4j> BY_FACTORY = new ClassValue<>() {
        @Override
        protected ApplicationSlf4j computeValue(Class<?> factory) {
            return find(factory);
        }
    };

    private final MethodHandle info;
    private final MethodHandle mdcGet;

    private ApplicationSlf4j(MethodHandle info, MethodHandle mdcGet) {
        this.info = info;
        this.mdcGet = mdcGet;
    }

    /** The application's SLF4J seen from {@code loader}; {@link #NONE} when it has none. */
    static ApplicationSlf4j of(ClassLoader loader) {
        if (loader == null) {
            return NONE;
        }
        try {
            return BY_FACTORY.get(Class.forName(LOGGER_FACTORY, false, loader));
        } catch (ClassNotFoundException | LinkageError | RuntimeException noSlf4j) {
            return NONE;
        }
    }

    private static ApplicationSlf4j find(Class<?> factory) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            ClassLoader loader = factory.getClassLoader();
            Class.forName(LOGGER_FACTORY, true, loader);
            Class<?> loggerType = Class.forName(LOGGER, false, loader);
            Object logger = lookup.findStatic(factory, "getLogger", MethodType.methodType(loggerType, String.class))
                    .invoke(LOGGER_NAME);
            MethodHandle info = lookup.findVirtual(loggerType, "info", MethodType.methodType(void.class, String.class))
                    .bindTo(logger);
            MethodHandle mdcGet = lookup.findStatic(
                    Class.forName(MDC, true, loader), "get", MethodType.methodType(String.class, String.class));
            return new ApplicationSlf4j(info, mdcGet);
        } catch (Throwable noSlf4j) {
            return NONE;
        }
    }

    /** This, or {@code null} when there is no SLF4J: records need not build lines nobody logs. */
    Consumer<String> orNull() {
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

    /** The MDC value under {@code key} on the calling thread, or {@code null}. */
    String mdc(String key) {
        if (mdcGet == null) {
            return null;
        }
        try {
            return (String) mdcGet.invoke(key);
        } catch (Throwable e) {
            return null;
        }
    }
}
