package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Describes and runs one forked JVM: which JDK, the agent and its arguments, the class path,
 * system properties, environment variables, and the main class or jar with its arguments.
 * An application under the agent starts through {@link AgentApp}, which builds the agent's
 * arguments; this class alone is for the JVMs around it (the agent's command line, tools).
 * The environment is the test JVM's minus every {@code ACTIONGATE_*} variable and the JVM
 * option variables, so only what a test sets reaches the agent.
 *
 * <pre>{@code
 * Run version = ForkedJvm.on(jdk).jar(ForkedJvm.agentJar(), "version").run();
 * }</pre>
 */
public final class ForkedJvm {

    /** The agent jar under test; the build sets it from the Maven property {@code actiongate.agent.jar}. */
    static final String AGENT_JAR_PROPERTY = "actiongate.it.agent.jar";
    /** Read when the build did not set {@link #AGENT_JAR_PROPERTY}, as when run from an IDE. */
    static final String AGENT_JAR_FALLBACK = "actiongate.agent.jar";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> DROPPED_VARIABLES =
            List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "CLASSPATH");

    /**
     * {@code false} starts every forked JVM with the JDK's own compiler and collector settings,
     * for a run that wants what production runs, test by test.
     */
    static final String QUICK_START_PROPERTY = "actiongate.it.quick.start";
    /**
     * A forked application lives for seconds: most of the CPU it would spend with the JDK's
     * defaults goes to C2 compiling for a peak it never reaches and to starting G1's threads, on
     * a machine that runs hundreds of them one after another. The client compiler and the serial
     * collector take a third less CPU per JVM and change nothing the tests look at. What needs the
     * JDK's defaults opts out ({@link #jdkDefaults}): races under C2 (ConcurrencyTest,
     * FleetQuotaTest), heaps sized for G1 (ManyRulesTest, the argument budgets), a collector's
     * class unloading (UnloadTest), and the README's demo as a user runs it. The agent's
     * concurrency is also tested in-process, in the agent module's JVM, with the JDK's defaults.
     */
    private static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final Jdk jdk;
    private boolean quickStart = !"false".equals(System.getProperty(QUICK_START_PROPERTY));
    private String agentArgs;
    private Path agentFrom;
    private final List<Path> classpath = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> earlierAgents = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Path workingDirectory;
    private String mainClass;
    private Path jar;
    private final List<String> arguments = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;
    private long fileSizeLimit = -1;

    private ForkedJvm(Jdk jdk) {
        this.jdk = jdk;
    }

    public static ForkedJvm on(Jdk jdk) {
        return new ForkedJvm(jdk);
    }

    /** {@code java -jar actiongate-agent.jar ARGS} on {@code jdk}: the agent's command line. */
    public static Run agentCli(Jdk jdk, String... args) {
        return on(jdk).jar(agentJar(), args).run();
    }

    /** The agent jar under test; fails the test when it has not been built. */
    public static Path agentJar() {
        String property = System.getProperty(AGENT_JAR_PROPERTY, System.getProperty(AGENT_JAR_FALLBACK));
        if (property == null || property.isBlank()) {
            return fail("-D" + AGENT_JAR_FALLBACK + " is not set; the build passes it (see integration-tests/pom.xml)");
        }
        Path jar = Path.of(property).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            fail("the agent jar " + jar + " does not exist: build it (mvn -pl agent package) or point -D"
                    + AGENT_JAR_FALLBACK + " at one");
        }
        return jar;
    }

    /**
     * Starts the JVM with a file size limit of {@code bytes} (the soft {@code RLIMIT_FSIZE}, through
     * util-linux's {@code prlimit}): a write past it fails part-way, as on a full disk, and a test can
     * lift it again with {@link #setFileSizeLimit}.
     */
    public ForkedJvm fileSizeLimit(long bytes) {
        this.fileSizeLimit = bytes;
        return this;
    }

    /** Sets the soft file size limit of the running process {@code pid}; {@code -1} lifts it. */
    public static void setFileSizeLimit(long pid, long bytes) throws IOException, InterruptedException {
        String limit = bytes < 0 ? "unlimited" : Long.toString(bytes);
        Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--fsize=" + limit + ":")
                .redirectErrorStream(true)
                .start();
        String said = new String(prlimit.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(prlimit.waitFor() == 0, "prlimit failed: " + said);
    }

    /** Starts the agent from {@code jar} instead of {@link #agentJar()}: another build of the same agent. */
    public ForkedJvm agentFrom(Path jar) {
        this.agentFrom = jar;
        return this;
    }

    /** Attaches the agent with {@code args} ({@code key=value,...}; may be empty). */
    public ForkedJvm agent(String args) {
        this.agentArgs = args == null ? "" : args;
        return this;
    }

    public ForkedJvm classpath(List<Path> entries) {
        classpath.addAll(entries);
        return this;
    }

    /** Another {@code -javaagent}, listed before the agent under test so that it starts first. */
    public ForkedJvm agentBefore(Path jar, String args) {
        earlierAgents.add("-javaagent:" + jar + (args == null || args.isEmpty() ? "" : "=" + args));
        return this;
    }

    /** Starts the JVM with the JDK's own compiler and collector settings (see {@link #QUICK_START}). */
    public ForkedJvm jdkDefaults() {
        this.quickStart = false;
        return this;
    }

    /** A JVM option as is, for example {@code -XX:...}. */
    public ForkedJvm jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    public ForkedJvm systemProperty(String key, String value) {
        jvmOptions.add("-D" + key + "=" + value);
        return this;
    }

    public ForkedJvm env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public ForkedJvm workingDirectory(Path directory) {
        this.workingDirectory = directory;
        return this;
    }

    public ForkedJvm timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    public ForkedJvm main(Class<?> type, String... args) {
        this.mainClass = type.getName();
        this.arguments.addAll(List.of(args));
        return this;
    }

    /** A main class by name, for an application the test compiles while it runs. */
    public ForkedJvm mainClass(String className, String... args) {
        this.mainClass = className;
        this.arguments.addAll(List.of(args));
        return this;
    }

    public ForkedJvm jar(Path executableJar, String... args) {
        this.jar = executableJar;
        this.arguments.addAll(List.of(args));
        return this;
    }

    /** Runs the JVM to its end, with no standard input; fails the test if it outlives the timeout. */
    public Run run() {
        try (StartedJvm started = start()) {
            started.closeInput();
            return started.finish();
        }
    }

    /**
     * Starts the JVM and returns at once: the test talks to it (standard input, its output so far)
     * while it runs, and {@link StartedJvm#close() closing} it ends it.
     */
    public StartedJvm start() {
        List<String> command = command();
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("forked-jvm-", ".out");
            err = Files.createTempFile("forked-jvm-", ".err");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("ACTIONGATE_") || DROPPED_VARIABLES.contains(name));
            env.putAll(environment);
            return new StartedJvm(command, builder.start(), out, err, timeout);
        } catch (IOException e) {
            deleteQuietly(out);
            deleteQuietly(err);
            return fail("cannot run " + String.join(" ", command), e);
        }
    }

    private List<String> command() {
        List<String> command = new ArrayList<>();
        if (fileSizeLimit >= 0) {
            command.addAll(List.of("prlimit", "--fsize=" + fileSizeLimit + ":unlimited", "--"));
        }
        command.add(jdk.java().toString());
        if (quickStart) {
            // Before the test's own options, which may override them (a -XX:+UseG1GC of its own
            // would clash with the serial collector: such a test asks for jdkDefaults()).
            command.addAll(QUICK_START);
        }
        command.addAll(earlierAgents);
        if (agentArgs != null) {
            Path jar = agentFrom != null ? agentFrom : agentJar();
            command.add("-javaagent:" + jar + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
        }
        command.addAll(jvmOptions);
        if (jar != null) {
            command.add("-jar");
            command.add(jar.toString());
        } else {
            assertTrue(mainClass != null, "a forked JVM needs a main class or a jar");
            if (!classpath.isEmpty()) {
                command.add("-cp");
                command.add(classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
            }
            command.add(mainClass);
        }
        command.addAll(arguments);
        return command;
    }

    static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    /**
     * What a forked JVM did.
     *
     * @param command  the command line it ran with
     * @param exitCode its exit code, -1 if it was killed
     * @param stdout   everything it printed on standard output
     * @param stderr   everything it printed on standard error, the agent's log included
     * @param took     how long it ran
     */
    public record Run(List<String> command, int exitCode, String stdout, String stderr, Duration took) {

        /** Its standard output, parsed as the {@code Probe} protocol of the test applications. */
        public AppOutput output() {
            return AppOutput.parse(stdout, this);
        }

        /** Fails the test unless the JVM exited with {@code expected}. */
        public Run assertExit(int expected) {
            if (exitCode != expected) {
                fail("expected exit code " + expected + "\n" + describe());
            }
            return this;
        }

        /** Everything about the run, for assertion messages. */
        public String describe() {
            return "command: " + String.join(" ", command) + "\nexit code: " + exitCode + "\n--- stdout ---\n" + stdout
                    + "--- stderr ---\n" + stderr + "--- end ---";
        }
    }
}
