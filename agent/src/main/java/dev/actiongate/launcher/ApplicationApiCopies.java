package dev.actiongate.launcher;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Before an attached agent puts its copy of the public API on the bootstrap class path, makes
 * every class loader that already loaded part of its own copy (from the application's
 * annotations jar) load the rest of that copy too.
 *
 * <p>A parent-first loader resolves each API class the first time it needs it, through the
 * bootstrap loader first. Without this, a loader that had loaded {@code ActionDeniedException}
 * but not {@code ApprovalPendingException} would resolve the latter to the bootstrap copy, whose
 * superclass is not the application's {@code ActionDeniedException}, so the application's
 * {@code catch} misses it; a loader that had loaded {@code ActionContext} but not its
 * {@code Builder} would fail with {@code IllegalAccessError} at its next {@code builder()}. One
 * whole copy per loader keeps the application's view of the API consistent, whichever classes it
 * happened to touch before the attach.
 */
public final class ApplicationApiCopies {

    private static final String PACKAGE = "dev/actiongate/";

    private ApplicationApiCopies() {}

    /**
     * Defines in each such loader the API classes it has not resolved yet, from that loader's own
     * class path. Never throws: a loader that cannot be completed is reported on stderr and keeps
     * what it has (the gate still throws the exception class that loader resolves).
     */
    public static void complete(Instrumentation instrumentation, JarFile agentJar) {
        try {
            Set<String> api = apiClassNames(agentJar);
            Map<ClassLoader, Class<?>> owners = new LinkedHashMap<>();
            for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
                ClassLoader loader = loaded.getClassLoader();
                if (loader != null && api.contains(loaded.getName())) {
                    owners.putIfAbsent(loader, loaded);
                }
            }
            owners.forEach((loader, sample) -> complete(instrumentation, loader, sample, api));
        } catch (RuntimeException | LinkageError e) {
            System.err.println(
                    "[actiongate] WARN  could not check the application's own copies of the ActionGate" + " API: " + e);
        }
    }

    private static void complete(
            Instrumentation instrumentation, ClassLoader loader, Class<?> sample, Set<String> api) {
        try {
            Set<String> resolved = new HashSet<>();
            for (Class<?> initiated : instrumentation.getInitiatedClasses(loader)) {
                resolved.add(initiated.getName());
            }
            String location = location(sample);
            Map<String, byte[]> missing = new LinkedHashMap<>();
            for (String name : api) {
                if (!resolved.contains(name)) {
                    byte[] bytes = ownBytes(loader, name, location);
                    if (bytes != null) {
                        missing.put(name, bytes);
                    }
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(sample, MethodHandles.lookup());
            for (String name : supertypesFirst(missing)) {
                try {
                    lookup.defineClass(missing.get(name));
                } catch (LinkageError raced) {
                    // the application loaded it from its own class path meanwhile: the copy is whole all the same
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | IOException | LinkageError e) {
            System.err.println("[actiongate] WARN  class loader " + loader + " has loaded part of its own copy of the"
                    + " ActionGate API and the rest could not be loaded from its class path (" + e + "); classes of"
                    + " the API it has not loaded yet will resolve to the agent's copy");
        }
    }

    /** The public API's class names, as the agent jar carries them. */
    private static Set<String> apiClassNames(JarFile agentJar) {
        Set<String> names = new HashSet<>();
        for (JarEntry entry : java.util.Collections.list(agentJar.entries())) {
            String path = entry.getName();
            if (path.startsWith(PACKAGE)
                    && path.endsWith(".class")
                    && path.indexOf('/', PACKAGE.length()) < 0
                    && !path.endsWith("/package-info.class")) {
                names.add(path.substring(0, path.length() - ".class".length()).replace('/', '.'));
            }
        }
        return names;
    }

    /** Where {@code type}'s class file came from, or {@code null} when the loader does not say. */
    private static String location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null
                ? null
                : source.getLocation().toExternalForm();
    }

    /**
     * The class file of {@code name} from the same place as the loader's copy already came from:
     * never another jar's, such as the agent's own, appended to the system class path by the attach.
     */
    private static byte[] ownBytes(ClassLoader loader, String name, String location) throws IOException {
        URL resource = loader.getResource(name.replace('.', '/') + ".class");
        if (resource == null || location == null || !resource.toExternalForm().contains(location)) {
            return null;
        }
        try (InputStream in = resource.openStream()) {
            return in.readAllBytes();
        }
    }

    /** Class names ordered so that a class's superclass and interfaces among them come before it. */
    private static List<String> supertypesFirst(Map<String, byte[]> classes) throws IOException {
        Map<String, List<String>> supertypes = new HashMap<>();
        for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
            supertypes.put(entry.getKey(), ClassFileSupertypes.of(entry.getValue()));
        }
        List<String> ordered = new ArrayList<>();
        Set<String> visiting = new HashSet<>();
        for (String name : classes.keySet()) {
            visit(name, supertypes, ordered, visiting);
        }
        return ordered;
    }

    private static void visit(
            String name, Map<String, List<String>> supertypes, List<String> ordered, Set<String> visiting) {
        if (!supertypes.containsKey(name) || ordered.contains(name) || !visiting.add(name)) {
            return;
        }
        for (String supertype : supertypes.get(name)) {
            visit(supertype, supertypes, ordered, visiting);
        }
        ordered.add(name);
    }

    /** Reads a class file's superclass and interface names, nothing else. */
    static final class ClassFileSupertypes {

        private ClassFileSupertypes() {}

        static List<String> of(byte[] classFile) throws IOException {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(classFile));
            in.readInt(); // magic
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            int[] classNameIndex = new int[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classNameIndex[i] = in.readUnsignedShort();
                    case 8, 16, 19, 20 -> in.readUnsignedShort();
                    case 15 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++; // takes two entries
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag);
                }
            }
            in.readUnsignedShort(); // access flags
            in.readUnsignedShort(); // this class
            List<String> names = new ArrayList<>();
            int superclass = in.readUnsignedShort();
            if (superclass != 0) {
                names.add(utf8[classNameIndex[superclass]].replace('/', '.'));
            }
            int interfaces = in.readUnsignedShort();
            for (int i = 0; i < interfaces; i++) {
                names.add(utf8[classNameIndex[in.readUnsignedShort()]].replace('/', '.'));
            }
            return names;
        }
    }
}
