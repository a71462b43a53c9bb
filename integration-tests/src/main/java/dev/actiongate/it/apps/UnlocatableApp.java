package dev.actiongate.it.apps;

import dev.actiongate.GovernedAction;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Defines governed classes through a class loader that got their bytes from elsewhere and does
 * not expose them with {@code getResource}, as plugin hosts and code generators do:
 * <ul>
 *   <li>{@code Base} declares the governed {@code transfer}; the loader defines it first;</li>
 *   <li>{@code Sub} overrides {@code transfer} without the annotation: it is governed only if the
 *       agent can describe {@code Base}, whose class file it cannot find;</li>
 *   <li>{@code Broken} overrides it too, but the loader spoils its generic signature (which the
 *       JVM does not check), so it cannot be instrumented at all.</li>
 * </ul>
 * Calls {@code Sub.transfer} (label {@code sub}) and {@code Broken.transfer} (label {@code broken}),
 * prints {@code READY}, then waits until the test sends the name its argument gives.
 */
public final class UnlocatableApp {

    private UnlocatableApp() {}

    public static class Base {
        @GovernedAction("transfer_funds")
        public String transfer(String account, int cents) {
            Probe.body("base transfer " + account);
            return "base";
        }
    }

    public static class Sub extends Base {
        @Override
        public String transfer(String account, int cents) {
            Probe.body("sub transfer " + account);
            return "sub";
        }
    }

    /** Generic so that it has a signature to spoil. */
    public static class Broken<T extends CharSequence> extends Base {
        @Override
        public String transfer(String account, int cents) {
            Probe.body("broken transfer " + account);
            return "broken";
        }
    }

    public static void main(String[] args) throws Exception {
        FromBytes loader = new FromBytes(Map.of(
                Base.class.getName(), bytesOf(Base.class),
                Sub.class.getName(), bytesOf(Sub.class),
                Broken.class.getName(), spoiled(bytesOf(Broken.class))));
        loader.define(Base.class.getName());
        Class<?> sub = loader.define(Sub.class.getName());
        Class<?> broken = loader.define(Broken.class.getName());
        Probe.fact("sub.loader", sub.getClassLoader().getName());
        call("sub", sub);
        call("broken", broken);
        System.out.println("READY");
        System.out.flush();
        if (args.length > 0) {
            Signals.awaitSignal(args[0]);
        }
    }

    private static void call(String label, Class<?> type) {
        Probe.attempt(
                label,
                () -> type.getMethod("transfer", String.class, int.class)
                        .invoke(type.getConstructor().newInstance(), label + "-account", 100));
    }

    private static byte[] bytesOf(Class<?> type) throws IOException {
        try (InputStream in =
                UnlocatableApp.class.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    /** The class's generic signature with a type tag no signature has; same length, so the class file stays valid. */
    private static byte[] spoiled(byte[] bytes) {
        byte[] bound = "T:Ljava/lang/Object;".getBytes(StandardCharsets.UTF_8);
        byte[] charSequence = ":Ljava/lang/CharSequence;".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bytes, charSequence);
        if (at < 0) {
            at = indexOf(bytes, bound);
        }
        if (at < 0) {
            throw new IllegalStateException("no generic signature found to spoil");
        }
        byte[] copy = bytes.clone();
        copy[at + 1] = (byte) '%';
        return copy;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Defines classes from bytes it was handed, and tells nobody where they came from. */
    private static final class FromBytes extends ClassLoader {
        private final Map<String, byte[]> classes;

        FromBytes(Map<String, byte[]> classes) {
            super("from-bytes", UnlocatableApp.class.getClassLoader());
            this.classes = classes;
        }

        Class<?> define(String name) {
            byte[] bytes = classes.get(name);
            return defineClass(name, bytes, 0, bytes.length);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null && classes.containsKey(name)) {
                    loaded = define(name);
                }
                return loaded != null ? loaded : super.loadClass(name, resolve);
            }
        }

        @Override
        public URL getResource(String name) {
            String className = name.endsWith(".class")
                    ? name.substring(0, name.length() - ".class".length()).replace('/', '.')
                    : null;
            return className != null && classes.containsKey(className) ? null : super.getResource(name);
        }
    }
}
