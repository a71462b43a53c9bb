package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test application run under the agent, set up the way every end-to-end test needs it: the
 * policy written to the test's folder, the records file beside it, the agent's other options,
 * the admin API on a port the agent picks itself ({@code admin_port=0}, read back from its log,
 * so no test races for a free port), system properties, and the application with its arguments.
 *
 * <pre>{@code
 * Records records = AgentApp.on(jdk, dir).policy(POLICY).main(BasicApp.class).run().records();
 * try (AgentApp.Running app = AgentApp.on(jdk, dir).policy(POLICY).admin(TOKEN).main(LingeringApp.class).start()) {
 *     app.admin().get("/status");
 * }
 * }</pre>
 */
public final class AgentApp {

    private static final Pattern ADMIN_LISTENING =
            Pattern.compile("admin API listening on http://([^\\s/]+):(\\d+)/ \\(bearer token required\\)");

    private final Jdk jdk;
    private final Path dir;
    private Path policy;
    private Path records;
    private final List<String> options = new ArrayList<>();
    private String adminToken;
    private boolean agent = true;
    private List<Path> classpath = AppClasspath.basic();
    private UnaryOperator<ForkedJvm> setup = jvm -> jvm;

    private AgentApp(Jdk jdk, Path dir) {
        this.jdk = jdk;
        this.dir = dir;
        this.records = dir.resolve("records.jsonl");
    }

    /** An application on {@code jdk} whose files (policy, records, token) live in {@code dir}. */
    public static AgentApp on(Jdk jdk, Path dir) {
        return new AgentApp(jdk, dir);
    }

    /** Writes {@code text} to {@code policy.yaml} in the folder and has the agent load it. */
    public AgentApp policy(String text) {
        return policyFile(write("policy.yaml", text));
    }

    /** Has the agent load the policy in {@code file}, as it is. */
    public AgentApp policyFile(Path file) {
        this.policy = file;
        return this;
    }

    /** Where the agent writes its records; {@code records.jsonl} in the folder unless set, none if {@code null}. */
    public AgentApp records(Path file) {
        this.records = file;
        return this;
    }

    /** More agent options, {@code key=value[,key=value...]}, after the policy and records. */
    public AgentApp option(String keyValues) {
        options.add(keyValues);
        return this;
    }

    /**
     * Turns on the admin API with {@code token} (in a token file only its owner may read), on a
     * port the agent picks. The agent refuses a token shorter than 32 characters.
     */
    public AgentApp admin(String token) {
        this.adminToken = token;
        return option("admin_port=0,admin_token_file=" + tokenFile());
    }

    /** Starts the agent from {@code jar} instead of the agent jar under test. */
    public AgentApp agentJar(Path jar) {
        return with(jvm -> jvm.agentFrom(jar));
    }

    /** Starts the application without the agent: to see it run bare, or for a test that attaches it later. */
    public AgentApp withoutAgent() {
        this.agent = false;
        return this;
    }

    public AgentApp classpath(List<Path> entries) {
        this.classpath = entries;
        return this;
    }

    public AgentApp property(String key, String value) {
        return with(jvm -> jvm.systemProperty(key, value));
    }

    public AgentApp env(String name, String value) {
        return with(jvm -> jvm.env(name, value));
    }

    /** The JDK's own compiler and collector settings, not the quick start every other test gets. */
    public AgentApp jdkDefaults() {
        return with(ForkedJvm::jdkDefaults);
    }

    public AgentApp jvmOption(String option) {
        return with(jvm -> jvm.jvmOption(option));
    }

    public AgentApp timeout(Duration limit) {
        return with(jvm -> jvm.timeout(limit));
    }

    /** Anything else {@link ForkedJvm} can set: another agent first, a working directory. */
    public AgentApp with(UnaryOperator<ForkedJvm> more) {
        UnaryOperator<ForkedJvm> before = setup;
        setup = jvm -> more.apply(before.apply(jvm));
        return this;
    }

    public AgentApp main(Class<?> type, String... args) {
        return with(jvm -> jvm.main(type, args));
    }

    public AgentApp mainClass(String className, String... args) {
        return with(jvm -> jvm.mainClass(className, args));
    }

    public AgentApp jar(Path executableJar, String... args) {
        classpath = List.of();
        return with(jvm -> jvm.jar(executableJar, args));
    }

    /** The agent's arguments as the {@code -javaagent} option (or an attach) gets them. */
    public String agentArgs() {
        StringJoiner args = new StringJoiner(",");
        if (policy != null) {
            args.add("policy=" + policy);
        }
        if (records != null) {
            args.add("records=" + records);
        }
        options.forEach(args::add);
        if (options.stream().noneMatch(option -> option.contains("startup_timeout="))) {
            // Calls made as main starts wait for the agent's start-up; on a CI machine running
            // several builds that took more than the default 10 s, and a test's first call was
            // denied for it. Tests of the deadline itself set their own.
            args.add("startup_timeout=60s");
        }
        return args.toString();
    }

    public Path policyFile() {
        return policy;
    }

    public Path recordsFile() {
        return records;
    }

    /** The admin token's file, which the CLI reads too. */
    public Path tokenFile() {
        return dir.resolve("admin-token");
    }

    /** Writes {@code text} to {@code name} in the test's folder. */
    public Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the application to its end. */
    public Result run() {
        return new Result(jvm().run(), this);
    }

    /** Starts the application; closing what this returns ends it. */
    public Running start() {
        return new Running(jvm().start(), this);
    }

    private ForkedJvm jvm() {
        if (adminToken != null) {
            // The agent refuses a token file that group or others may read, as ssh does a key.
            Path token = write("admin-token", adminToken + "\n");
            try {
                Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        ForkedJvm jvm = ForkedJvm.on(jdk).classpath(classpath);
        if (agent) {
            jvm.agent(agentArgs());
        }
        return setup.apply(jvm);
    }

    /**
     * A finished run and the records it left.
     *
     * @param run what the JVM did
     * @param app how it was set up
     */
    public record Result(ForkedJvm.Run run, AgentApp app) {

        /** The run, after failing the test unless it exited with {@code expected}. */
        public ForkedJvm.Run assertExit(int expected) {
            return run.assertExit(expected);
        }

        /** The application's output, after failing the test unless it exited with 0. */
        public AppOutput output() {
            return run.assertExit(0).output();
        }

        public Records records() {
            return Records.read(app.records);
        }
    }

    /** A running application: its admin API, its signals, its records, and its end. */
    public static final class Running implements AutoCloseable {

        private final StartedJvm jvm;
        private final AgentApp app;
        private String adminUrl;

        private Running(StartedJvm jvm, AgentApp app) {
            this.jvm = jvm;
            this.app = app;
        }

        public StartedJvm jvm() {
            return jvm;
        }

        /** {@code http://HOST:PORT} of the admin API, read from the agent's log once it listens. */
        public String adminUrl() {
            if (adminUrl == null) {
                if (app.adminToken == null) {
                    fail("the application was started without admin(token)");
                }
                Matcher listening = jvm.awaitStderr("the admin API to listen", ADMIN_LISTENING);
                adminUrl = "http://" + listening.group(1) + ":" + listening.group(2);
            }
            return adminUrl;
        }

        public int adminPort() {
            return Integer.parseInt(adminUrl().substring(adminUrl().lastIndexOf(':') + 1));
        }

        /** The admin API with the admin token. */
        public AdminClient admin() {
            return new AdminClient(adminUrl(), app.adminToken);
        }

        /** Waits until {@code condition} holds, failing at once if the application ends first. */
        public void await(String what, Await.Condition condition) {
            Await.until(what, Duration.ofSeconds(30), jvm, condition);
        }

        /** Waits until {@code probe} gives a value and returns it, failing at once if the application ends first. */
        public <T> T awaitValue(String what, Await.Probe<T> probe) {
            return Await.value(what, Duration.ofSeconds(30), jvm, probe);
        }

        /** Sends {@code name} to the application, which a {@code gate:name} step waits for. */
        public void signal(String name) {
            jvm.send(name);
        }

        /** Waits until the application's {@code mark:name} step printed its mark. */
        public void awaitMark(String name) {
            jvm.awaitMark(name);
        }

        /** Waits for the application's end. */
        public Result finish() {
            return new Result(jvm.finish(), app);
        }

        /** The application's output once it ended, failing the test unless it exited with 0. */
        public AppOutput output() {
            return finish().output();
        }

        /** The records file as it is now. */
        public Records records() {
            return Records.read(app.records);
        }

        @Override
        public void close() {
            jvm.close();
        }
    }
}
