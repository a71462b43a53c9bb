package dev.actiongate.agent;

import dev.actiongate.ActionDeniedException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.Set;

/**
 * Puts the bridge between governed methods and the gate where no application code can replace
 * or shadow it: in {@code java.base}, as {@code java.lang.ActionGateBridge} (the build relocates
 * {@code dev.actiongate.bootstrap.GateBridge} to that name), and hands out the only ways to
 * install and uninstall a dispatcher. Run by the launcher before any class that names the bridge
 * is loaded: such a class would make this loader try to define a {@code java.lang} class itself,
 * which the JVM refuses.
 *
 * <p>Names of the bridge's classes are string constants on purpose: the relocation rewrites them,
 * and a class literal would load the bridge before it is defined.
 */
public final class BridgeInstaller {

    private static final String BRIDGE = "dev.actiongate.bootstrap.GateBridge";
    private static final String DISPATCHER = "dev.actiongate.bootstrap.GateBridge$Dispatcher";
    private static final String DELEGATION = "dev.actiongate.bootstrap.GateBridge$Delegation";

    private static volatile MethodHandles.Lookup bridgeLookup;

    private BridgeInstaller() {}

    /**
     * Defines the bridge in {@code java.base} unless an earlier start in this JVM did. Opens
     * {@code java.lang} to this agent's class loader only (never to the application's), and lets
     * {@code java.base} read the public API's module so the bridge can throw its exception.
     */
    public static void define(Instrumentation instrumentation) throws ReflectiveOperationException, IOException {
        if (!BRIDGE.startsWith("java.lang.")) {
            // Not relocated (the agent's own unit tests): an ordinary class, nothing to protect.
            bridgeLookup = MethodHandles.privateLookupIn(Class.forName(BRIDGE), MethodHandles.lookup());
            return;
        }
        Module base = Object.class.getModule();
        instrumentation.redefineModule(
                base,
                Set.of(ActionDeniedException.class.getModule()),
                Map.of(),
                Map.of("java.lang", Set.of(BridgeInstaller.class.getModule())),
                Set.of(),
                Map.of());
        Class<?> bridge;
        try {
            bridge = Class.forName(BRIDGE, false, null);
        } catch (ClassNotFoundException notYetDefined) {
            MethodHandles.Lookup inJavaLang = MethodHandles.privateLookupIn(Object.class, MethodHandles.lookup());
            inJavaLang.defineClass(bytesOf(DISPATCHER));
            inJavaLang.defineClass(bytesOf(DELEGATION));
            bridge = inJavaLang.defineClass(bytesOf(BRIDGE));
        }
        bridgeLookup = MethodHandles.privateLookupIn(bridge, MethodHandles.lookup());
    }

    /** Whether the bridge lives in {@code java.base}, where no application loader can shadow it. */
    public static boolean protectedBridge() {
        return BRIDGE.startsWith("java.lang.");
    }

    /**
     * Installs {@code dispatcher} when no other is in force.
     *
     * @return {@code false} when another dispatcher is in force (it was told of the attempt)
     */
    public static boolean install(Object dispatcher) {
        return call("install", dispatcher);
    }

    /** Takes {@code dispatcher} out again on detach; {@code false} when it was not the one in force. */
    public static boolean uninstall(Object dispatcher) {
        return call("uninstall", dispatcher);
    }

    private static boolean call(String name, Object dispatcher) {
        MethodHandles.Lookup lookup = bridgeLookup;
        if (lookup == null) {
            throw new IllegalStateException("the bridge was not defined before the agent started");
        }
        try {
            Class<?> type =
                    Class.forName(DISPATCHER, false, lookup.lookupClass().getClassLoader());
            MethodHandle method =
                    lookup.findStatic(lookup.lookupClass(), name, MethodType.methodType(boolean.class, type));
            return (boolean) method.invoke(dispatcher);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot " + name + " the gate's dispatcher: " + e, e);
        }
    }

    private static byte[] bytesOf(String className) throws IOException {
        String resource = className.replace('.', '/') + ".class";
        try (InputStream in = BridgeInstaller.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the agent jar has no " + resource);
            }
            return in.readAllBytes();
        }
    }
}
