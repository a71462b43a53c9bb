package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.apps.BasicApp;
import dev.actiongate.it.apps.BridgeAttackApp;
import dev.actiongate.it.apps.EarlyLoaderAgent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes around the gate that application code, another agent or a broken environment could
 * take: each governed call is still decided (here: denied by the policy) and no governed body runs.
 */
class BypassTest {

    /** An allow-everything bridge under the bridge's source name, as an attacker would ship it. */
    private static final String SHADOW_BRIDGE = """
            package dev.actiongate.bootstrap;
            public final class GateBridge {
                public interface Dispatcher {
                    Object enter(int methodId, Object[] arguments);
                    void exit(Object token, Throwable thrown);
                }
                public static void install(Dispatcher dispatcher) {
                }
                public static Object enter(int methodId, Object[] arguments) {
                    return null;
                }
                public static void exit(Object token, Throwable thrown) {
                }
            }
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void applicationCodeCannotReplaceOrShadowTheBridge(Jdk jdk) throws IOException {
        Path shadow = shadowBridge();
        AgentApp.Result run =
                denyAll(jdk).main(BridgeAttackApp.class, shadow.toString()).run();
        AppOutput out = run.output();
        assertEquals(
                "InaccessibleObjectException", out.fact("install"), out.run().describe());
        assertEquals("child-first", out.fact("child-first loader"), out.run().describe());
        out.assertOnlyDenied(BridgeAttackApp.CALLS);
        assertEquals(List.of("deny", "deny"), run.records().verdicts("greet"), "each call decided once and recorded");
    }

    @OnEveryJdk
    void aSecondInstallIsRefusedAndRecordedEvenWithJavaLangOpened(Jdk jdk) throws IOException {
        AgentApp.Result run = denyAll(jdk)
                .jvmOption("--add-opens=java.base/java.lang=ALL-UNNAMED")
                .main(BridgeAttackApp.class, shadowBridge().toString())
                .run();
        AppOutput out = run.output();
        assertEquals(
                "false",
                out.fact("install"),
                "the install must be refused\n" + out.run().describe());
        out.assertOnlyDenied(BridgeAttackApp.CALLS);
        Records written = run.records();
        assertEquals(1, written.ofKind("bridge_install_refused").size(), "the refused install is recorded");
        assertTrue(
                out.run().stdout().contains("refused an attempt to replace ActionGate's dispatcher")
                        || out.run().stderr().contains("refused an attempt to replace ActionGate's dispatcher"),
                out.run().describe());
    }

    @OnEveryJdk
    void aBridgeOnTheBootClassPathDoesNotShadowTheGate(Jdk jdk) throws IOException {
        AppOutput out = denyAll(jdk)
                .jvmOption("-Xbootclasspath/a:" + shadowBridge())
                .main(BasicApp.class)
                .run()
                .output();
        out.assertOnlyDenied(BasicApp.CALLS);
    }

    @OnEveryJdk
    void classesAnotherAgentLoadedBeforeOursAreGoverned(Jdk jdk) throws IOException {
        Path early = earlyAgentJar();
        AgentApp.Result run = denyAll(jdk)
                .with(jvm -> jvm.agentBefore(
                        early, BasicApp.Greeter.class.getName() + "," + BasicApp.LocalStorage.class.getName()))
                .main(BasicApp.class)
                .run();
        AppOutput out = run.output();
        assertEquals(
                BasicApp.Greeter.class.getName() + "," + BasicApp.LocalStorage.class.getName(),
                out.fact("early-loaded"),
                out.run().describe());
        out.assertOnlyDenied(BasicApp.CALLS);
        assertEquals(List.of("deny"), run.records().verdicts("greet"), "the early-loaded greeter is decided once");
    }

    @OnEveryJdk
    void anAgentThatCannotStartDeniesEveryCallNamingTheCause(Jdk jdk) throws IOException {
        AppOutput out = denyAll(jdk)
                .records(null)
                .env("ACTIONGATE_RECORDS", "/")
                .with(jvm -> jvm.workingDirectory(dir))
                .main(BasicApp.class)
                .run()
                .output();
        out.assertOnlyDenied(BasicApp.CALLS);
        assertFalse(Files.exists(dir.resolve("null.journal")), "nothing is created for a path that names no file");
        assertTrue(
                out.denied("greet world")
                        .reason()
                        .contains("records file / cannot be opened: java.io.IOException: / is not a file path"),
                out.run().describe());
    }

    @OnEveryJdk
    void aPolicyPathThatNeverAnswersHoldsNeitherMainNorTheFirstCall(Jdk jdk) throws Exception {
        Path fifo = fifo("policy.fifo");
        ForkedJvm.Run run = basicAppWithATwoSecondStart(AgentApp.on(jdk, dir).policyFile(fifo));
        AppOutput out = run.output();
        out.assertOnlyDenied(BasicApp.CALLS);
        assertTrue(
                out.denied("greet world").reason().contains("reading policy " + fifo + " did not finish within"),
                run.describe());
    }

    @OnEveryJdk
    void aRecordsPathThatNeverAnswersDeniesCallsPastTheDeadline(Jdk jdk) throws Exception {
        Path fifo = fifo("records.fifo");
        ForkedJvm.Run run = basicAppWithATwoSecondStart(denyAll(jdk).records(fifo));
        AppOutput out = run.output();
        out.assertOnlyDenied(BasicApp.CALLS);
        assertTrue(out.denied("greet world").reason().contains("still opening records file " + fifo), run.describe());
        assertFalse(run.took().compareTo(Duration.ofSeconds(30)) > 0, "bounded by startup_timeout\n" + run.describe());
    }

    /** BasicApp run to its end under {@code app}, with a two-second start-up deadline. */
    private static ForkedJvm.Run basicAppWithATwoSecondStart(AgentApp app) {
        return app.option("startup_timeout=2s")
                .main(BasicApp.class)
                .timeout(Duration.ofSeconds(40))
                .run()
                .assertExit(0);
    }

    private AgentApp denyAll(Jdk jdk) {
        return AgentApp.on(jdk, dir).policy(Policies.DENY_ALL);
    }

    private Path fifo(String name) throws IOException, InterruptedException {
        Path fifo = dir.resolve(name);
        Process mkfifo =
                new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo " + fifo);
        return fifo;
    }

    /** Compiles {@link #SHADOW_BRIDGE} into a class folder of its own. */
    private Path shadowBridge() throws IOException {
        Path sources = Files.createDirectories(dir.resolve("shadow-src/dev/actiongate/bootstrap"));
        Path source = Files.writeString(sources.resolve("GateBridge.java"), SHADOW_BRIDGE);
        Path classes = Files.createDirectories(dir.resolve("shadow"));
        int status =
                ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), source.toString());
        assertEquals(0, status, "the shadow bridge compiles");
        return classes;
    }

    /** A jar whose manifest names {@link EarlyLoaderAgent}; the class itself comes from the class path. */
    private Path earlyAgentJar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), EarlyLoaderAgent.class.getName());
        Path jar = dir.resolve("early-agent.jar");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.flush();
        }
        return jar;
    }
}
