package dev.actiongate.it.apps;

import dev.actiongate.GovernedAction;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An application that runs a governed method from a class loader of its own, as a plugin or an
 * undeployed web application would, then drops every reference to that loader and waits (up to
 * 30 s, collecting garbage) for it to be collected. Prints {@code RAN result}, then
 * {@code COLLECTED} or {@code NOT COLLECTED}.
 */
public final class UnloadApp {

    private UnloadApp() {}

    /** Loaded only by the throwaway loader: the application's own copy of its class path. */
    public static final class Plugin {
        @GovernedAction("run_plugin")
        public String run(String job) {
            return "ran " + job;
        }
    }

    public static void main(String[] args) throws Exception {
        WeakReference<ClassLoader> loader = runInThrowawayLoader();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (loader.get() != null && System.nanoTime() < deadline) {
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        System.out.println(loader.get() == null ? "COLLECTED" : "NOT COLLECTED");
    }

    private static WeakReference<ClassLoader> runInThrowawayLoader() throws Exception {
        URL[] urls = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(UnloadApp::url)
                .toArray(URL[]::new);
        // Parent is the platform loader: the plugin, and the SLF4J it logs with, are this loader's own.
        try (URLClassLoader loader = new URLClassLoader("plugin", urls, ClassLoader.getPlatformClassLoader())) {
            Class<?> plugin = loader.loadClass(Plugin.class.getName());
            Object result = plugin.getMethod("run", String.class)
                    .invoke(plugin.getConstructor().newInstance(), "job-1");
            System.out.println("RAN " + result);
            return new WeakReference<>(loader);
        }
    }

    private static URL url(String entry) {
        try {
            return Path.of(entry).toUri().toURL();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
