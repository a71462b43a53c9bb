package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.actiongate.GovernedAction;
import dev.actiongate.it.apps.Probe;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Class paths of the test applications: this module's compiled applications plus exactly the
 * jars each one needs, taken from the test JVM's class path by file name, or for the legacy
 * application from {@code target/legacy-libs}. Never the agent, never the test JVM's whole path.
 */
public final class AppClasspath {

    static final String LEGACY_LIBS_PROPERTY = "actiongate.it.legacy.libs";

    private AppClasspath() {}

    /** The compiled test applications only: no ActionGate jar at all. */
    public static List<Path> appsOnly() {
        return List.of(locationOf(Probe.class));
    }

    /** The applications and the annotations jar, as an application that ships it has. */
    public static List<Path> basic() {
        return List.of(locationOf(Probe.class), locationOf(GovernedAction.class));
    }

    /** {@link #basic()} plus Jakarta Mail with the Angus implementation. */
    public static List<Path> mail() {
        List<Path> path = new ArrayList<>(basic());
        path.addAll(jarsNamed("jakarta.mail-api-", "angus-mail-", "jakarta.activation-api-", "angus-activation-"));
        return path;
    }

    /** {@link #basic()} plus LangChain4j with what it needs to execute tools. */
    public static List<Path> langchain4j() {
        List<Path> path = new ArrayList<>(basic());
        path.addAll(jarsNamed(
                "langchain4j-core-",
                "langchain4j-1",
                "jackson-databind-",
                "jackson-core-",
                "jackson-annotations-",
                "slf4j-api-"));
        return path;
    }

    /** {@link #basic()} plus Byte Buddy, which the proxy application generates a subclass with. */
    public static List<Path> byteBuddy() {
        List<Path> path = new ArrayList<>(basic());
        path.addAll(jarsNamed("byte-buddy-"));
        return path;
    }

    /** {@link #basic()} plus the legacy application's own old Jackson, SLF4J and Logback. */
    public static List<Path> legacy() {
        String property = System.getProperty(LEGACY_LIBS_PROPERTY);
        if (property == null) {
            return fail(
                    "-D" + LEGACY_LIBS_PROPERTY + " is not set; the build passes it (see integration-tests/pom.xml)");
        }
        Path folder = Path.of(property);
        List<Path> jars;
        try (Stream<Path> files = Files.list(folder)) {
            jars = files.filter(file -> file.toString().endsWith(".jar"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot list the legacy libraries in " + folder
                            + " (mvn generate-test-resources copies them there)",
                    e);
        }
        assertEquals(7, jars.size(), "legacy jars in " + folder + ": " + jars);
        List<Path> path = new ArrayList<>(basic());
        path.addAll(jars);
        return path;
    }

    private static Path locationOf(Class<?> type) {
        try {
            return Path.of(
                    type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate " + type, e);
        }
    }

    /** One jar of the test JVM's class path per file name prefix; fails the test if one is missing. */
    private static List<Path> jarsNamed(String... prefixes) {
        List<Path> classpath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .toList();
        List<Path> found = new ArrayList<>();
        for (String prefix : prefixes) {
            List<Path> matches = classpath.stream()
                    .filter(entry -> entry.getFileName().toString().startsWith(prefix))
                    .filter(entry -> entry.getFileName().toString().endsWith(".jar"))
                    .toList();
            if (matches.size() != 1) {
                fail("expected one jar named " + prefix + "*.jar on the test class path, found " + matches);
            }
            found.add(matches.get(0));
        }
        return found;
    }
}
