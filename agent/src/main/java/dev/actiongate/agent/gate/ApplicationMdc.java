package dev.actiongate.agent.gate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Reads the SLF4J MDC of the application, as seen from the governed class's own class loader, so
 * that a service which already puts the user and tenant into its logging context is governed by
 * them without opening {@code ActionContext} scopes. Any SLF4J version works: only
 * {@code MDC.get(String)} is used, found by name.
 */
final class ApplicationMdc {

    /** For class loaders without SLF4J. */
    static final ApplicationMdc NONE = new ApplicationMdc(null);

    /* Built at run time: the agent jar relocates every "org.slf4j" constant to its own copy. */
    private static final String MDC = String.join(".", "org", "slf4j", "MDC");

    private static final Map<ClassLoader, ApplicationMdc> BY_LOADER = new WeakHashMap<>();

    private final MethodHandle get;

    private ApplicationMdc(MethodHandle get) {
        this.get = get;
    }

    static ApplicationMdc of(ClassLoader loader) {
        if (loader == null) {
            return NONE;
        }
        synchronized (BY_LOADER) {
            return BY_LOADER.computeIfAbsent(loader, ApplicationMdc::find);
        }
    }

    private static ApplicationMdc find(ClassLoader loader) {
        try {
            Class<?> mdc = Class.forName(MDC, true, loader);
            return new ApplicationMdc(MethodHandles.publicLookup()
                    .findStatic(mdc, "get", MethodType.methodType(String.class, String.class)));
        } catch (Throwable noSlf4j) {
            return NONE;
        }
    }

    /** The value under {@code key} on the calling thread, or {@code null}. */
    String get(String key) {
        if (get == null) {
            return null;
        }
        try {
            return (String) get.invoke(key);
        } catch (Throwable e) {
            return null;
        }
    }
}
