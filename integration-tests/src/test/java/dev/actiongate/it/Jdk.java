package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * A JDK the end-to-end tests fork JVMs on: the one running the tests (JDK 17 in the build) and
 * JDK 25, from the system property {@code jdk25.home}. A JDK that is missing fails the test
 * that needs it; it is never skipped.
 *
 * @param feature the feature release this JDK must be, for example 25
 * @param home    its home folder
 * @param origin  where {@code home} came from, for the failure message
 */
public record Jdk(int feature, Path home, String origin) {

    /** The build sets it from the Maven property {@code jdk25.home}. */
    static final String JDK25_PROPERTY = "actiongate.it.jdk25.home";
    /** Read when the build did not set {@link #JDK25_PROPERTY}, as when run from an IDE. */
    static final String JDK25_FALLBACK = "jdk25.home";

    private static final String JDK25_DEFAULT = "/usr/lib/jvm/temurin-25-jdk-amd64";
    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"([0-9]+)", Pattern.MULTILINE);

    /** The JDKs every end-to-end test runs on; the argument source of {@link OnEveryJdk}. */
    public static Stream<Jdk> all() {
        return Stream.of(running(), jdk25());
    }

    /** Each JDK of {@link #all()} with each of {@code values}: the arguments of a test run on every JDK per value. */
    public static Stream<Arguments> allWith(Object... values) {
        return all().flatMap(jdk -> Stream.of(values).map(value -> Arguments.of(jdk, value)));
    }

    /**
     * Each of {@code values} once, on the JDKs of {@link #all()} in turn: for a test whose value
     * (a setting, say) and JDK are independent of each other, every value and every JDK is run
     * without running every pair. Two such tests of one class given the values in opposite orders
     * run every pair between them.
     */
    public static Stream<Arguments> inTurnWith(Object... values) {
        List<Jdk> jdks = all().toList();
        return IntStream.range(0, values.length).mapToObj(i -> Arguments.of(jdks.get(i % jdks.size()), values[i]));
    }

    /** The JDK running the tests. */
    public static Jdk running() {
        return new Jdk(Runtime.version().feature(), Path.of(System.getProperty("java.home")), "java.home");
    }

    public static Jdk jdk25() {
        String home = System.getProperty(JDK25_PROPERTY, System.getProperty(JDK25_FALLBACK));
        return home == null || home.isBlank()
                ? new Jdk(25, Path.of(JDK25_DEFAULT), "the default, as -D" + JDK25_FALLBACK + " is not set")
                : new Jdk(25, Path.of(home), "-D" + JDK25_FALLBACK);
    }

    /** Its {@code java} launcher; fails the test when this JDK is missing or is another release. */
    public Path java() {
        Path java = home.resolve("bin").resolve("java");
        if (!Files.isExecutable(java)) {
            fail("JDK " + feature + " is required by the end-to-end tests but " + java + " (from " + origin
                    + ") does not exist or is not executable. Install JDK " + feature
                    + " or point -D" + JDK25_FALLBACK + " at its home.");
        }
        int actual = releaseFeature();
        if (actual != feature) {
            fail(home + " (from " + origin + ") is JDK " + actual + ", not JDK " + feature);
        }
        return java;
    }

    private int releaseFeature() {
        Path release = home.resolve("release");
        try {
            Matcher matcher = JAVA_VERSION.matcher(Files.readString(release));
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            return fail(release + " names no JAVA_VERSION");
        } catch (IOException e) {
            return fail("cannot read " + release + " to check the JDK release: " + e);
        }
    }

    @Override
    public String toString() {
        return "JDK " + feature;
    }
}
