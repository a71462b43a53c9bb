package dev.actiongate.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * What the host JVM prepares for the forks that run with the agent: where the agent jar is, a
 * temporary directory holding the policies (extracted from this jar, because the agent reads a
 * policy from a file) and one records file per fork. One per host JVM; the directory is
 * deleted when the host JVM exits, so nothing is left behind even when a fork fails.
 */
final class BenchWorkspace {

    /** Overrides where the agent jar is looked for. */
    static final String AGENT_JAR_PROPERTY = "actiongate.agent.jar";

    /** Where the build puts the agent jar, relative to the repository root. */
    static final String AGENT_JAR_IN_REPO = "agent/target/actiongate-agent.jar";

    private static final String POLICY_RESOURCES = "policies/";

    private static BenchWorkspace instance;

    private final Path agentJar;
    private final Path directory;
    private final AtomicInteger files = new AtomicInteger();

    private BenchWorkspace(Path agentJar, Path directory) {
        this.agentJar = agentJar;
        this.directory = directory;
    }

    /**
     * The workspace of this JVM, created on first use.
     *
     * @throws IllegalStateException when the agent jar cannot be found, with what to do about it
     */
    static synchronized BenchWorkspace get() {
        if (instance == null) {
            Path jar = locateAgentJar();
            Path directory;
            try {
                directory = Files.createTempDirectory("actiongate-bench-").toAbsolutePath();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory for policies and records", e);
            }
            // The agent takes key=value pairs separated by commas, after the jar path and '='.
            requireUsable(jar, "the agent jar path");
            requireUsable(directory, "the temporary directory (set -Djava.io.tmpdir)");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(directory), "actiongate-bench-cleanup"));
            instance = new BenchWorkspace(jar, directory);
        }
        return instance;
    }

    Path agentJar() {
        return agentJar;
    }

    /**
     * The extracted policy {@code name} (a file under {@code policies/} next to this class), or
     * the generated one of that name ({@link GeneratedPolicies}).
     */
    synchronized Path policy(String name) {
        Path file = directory.resolve(name);
        String generated = GeneratedPolicies.text(name);
        if (generated != null && !Files.exists(file)) {
            try {
                Files.writeString(file, generated);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write policy " + name + " to " + directory, e);
            }
        } else if (!Files.exists(file)) {
            try (InputStream in = BenchWorkspace.class.getResourceAsStream(POLICY_RESOURCES + name)) {
                if (in == null) {
                    throw new IllegalStateException("no policy " + POLICY_RESOURCES + name + " in the benchmarks jar");
                }
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract policy " + name + " to " + directory, e);
            }
        }
        return file;
    }

    /** A fresh, not yet existing records file; the agent creates it, its user deletes it. */
    Path newRecordsFile(String label) {
        return directory.resolve("records-" + files.incrementAndGet() + "-" + label + ".jsonl");
    }

    /** A file {@code name} in this run's folder (deleted with it when the host JVM exits). */
    Path file(String name) {
        return directory.resolve(name);
    }

    /** The {@code -javaagent} option that starts the agent with {@code policy} writing to {@code records}. */
    String javaAgentOption(String policy, Path records) {
        return "-javaagent:" + agentJar + "=policy=" + policy(policy) + ",records=" + records
                + ",service=actiongate-benchmarks,environment=benchmark";
    }

    static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the whole directory goes at exit anyway
            }
        }
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(BenchWorkspace::deleteQuietly);
        } catch (IOException ignored) {
            // best effort at exit
        }
    }

    /**
     * The agent jar: the system property if set, else {@value #AGENT_JAR_IN_REPO} under the
     * working directory, its parent (run from {@code benchmarks/}) or an ancestor of this jar
     * (which the build puts in {@code benchmarks/target/}).
     */
    private static Path locateAgentJar() {
        String configured = System.getProperty(AGENT_JAR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path jar = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(
                        "-D" + AGENT_JAR_PROPERTY + "=" + configured + " does not name an existing file (" + jar + ")");
            }
            return jar;
        }
        Set<Path> candidates = new LinkedHashSet<>();
        Path workingDirectory = Path.of("").toAbsolutePath();
        candidates.add(workingDirectory.resolve(AGENT_JAR_IN_REPO));
        if (workingDirectory.getParent() != null) {
            candidates.add(workingDirectory.getParent().resolve(AGENT_JAR_IN_REPO));
        }
        for (Path ancestor = codeSource(); ancestor != null; ancestor = ancestor.getParent()) {
            candidates.add(ancestor.resolve(AGENT_JAR_IN_REPO));
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate.normalize();
            }
        }
        List<String> looked = new ArrayList<>();
        candidates.forEach(candidate -> looked.add("  " + candidate.normalize()));
        throw new IllegalStateException("the ActionGate agent jar was not found. Build it first"
                + " (mvn -B -q -DskipTests install at the repository root) or name it with -D"
                + AGENT_JAR_PROPERTY + "=/path/to/actiongate-agent.jar. Looked at:\n"
                + String.join("\n", looked));
    }

    private static Path codeSource() {
        try {
            Path location = Path.of(BenchWorkspace.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toAbsolutePath();
            // A jar is a file: its folder is where the search starts.
            return Files.isRegularFile(location) ? location.getParent() : location;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static void requireUsable(Path path, String what) {
        String text = path.toString();
        if (text.contains(",") || text.contains("=")) {
            throw new IllegalStateException(
                    what + " " + text + " contains ',' or '=', which the -javaagent" + " option cannot carry");
        }
    }
}
