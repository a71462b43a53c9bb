package dev.actiongate.it.apps;

import dev.actiongate.ActionContext;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Application code that tries to route around the gate: it installs an allow-everything
 * dispatcher behind the bridge, and it loads a governed class through a child-first class loader
 * that carries its own {@code dev.actiongate.bootstrap.GateBridge}. Each attempt prints what it
 * achieved; every governed call is still attempted and printed through {@link Probe}.
 *
 * <p>{@code BridgeAttackApp SHADOW_DIR}: a folder with a compiled allow-everything bridge.
 */
public final class BridgeAttackApp {

    /** The labels of the governed calls {@code main} makes, in order. */
    public static final List<String> CALLS = List.of("greet after replace", "greet child-first");

    private BridgeAttackApp() {}

    @SuppressWarnings("try")
    public static void main(String[] args) throws Exception {
        try (ActionContext.Scope scope =
                ActionContext.builder().actor("attacker").open()) {
            replaceDispatcher();
            Probe.attempt("greet after replace", () -> new BasicApp.Greeter().greet("replace"));
            Object shadowed = childFirst(Path.of(args[0]))
                    .loadClass(BasicApp.Greeter.class.getName())
                    .getConstructor()
                    .newInstance();
            Method greet = shadowed.getClass().getMethod("greet", String.class);
            Probe.fact(
                    "child-first loader", shadowed.getClass().getClassLoader().getName());
            Probe.attempt("greet child-first", () -> greet.invoke(shadowed, "child-first"));
        }
        Probe.fact("done", true);
    }

    /** Reflectively, as far as the JVM lets application code reach. */
    private static void replaceDispatcher() {
        try {
            Class<?> bridge = Class.forName("java.lang.ActionGateBridge");
            Class<?> dispatcher = Class.forName("java.lang.ActionGateBridge$Dispatcher");
            Object allowAll = Proxy.newProxyInstance(
                    BridgeAttackApp.class.getClassLoader(),
                    new Class<?>[] {dispatcher},
                    (proxy, method, methodArgs) -> method.getReturnType() == boolean.class ? Boolean.FALSE : null);
            Method install = bridge.getDeclaredMethod("install", dispatcher);
            install.setAccessible(true);
            Probe.fact("install", install.invoke(null, allowAll));
        } catch (Exception | LinkageError e) {
            Probe.fact("install", e.getClass().getSimpleName());
        }
    }

    /**
     * Defines the governed class itself, from the application's own bytes, and the bridge from
     * {@code shadow}: the governed method's reference to the bridge resolves through this loader.
     */
    private static ClassLoader childFirst(Path shadow) {
        ClassLoader parent = BridgeAttackApp.class.getClassLoader();
        return new ClassLoader("child-first", parent) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded != null) {
                        return loaded;
                    }
                    String file = name.replace('.', '/') + ".class";
                    try {
                        if (name.startsWith("dev.actiongate.bootstrap.")) {
                            return define(name, Files.readAllBytes(shadow.resolve(file)));
                        }
                        if (name.equals(BasicApp.Greeter.class.getName())) {
                            try (InputStream in = parent.getResourceAsStream(file)) {
                                return define(name, in.readAllBytes());
                            }
                        }
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                    return super.loadClass(name, resolve);
                }
            }

            private Class<?> define(String name, byte[] bytes) {
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
    }
}
