package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.actiongate.it.apps.BasicApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a service's build gets when it resolves {@code dev.actiongate:actiongate-agent} by its
 * Maven coordinates (the build copies it with {@code dependency:copy}, as README.md tells a
 * service to do) is the runnable agent jar: a {@code -javaagent}, attachable, and the command line.
 */
class AgentArtifactTest {

    /** The build sets it: the agent resolved by coordinates, whatever -Dactiongate.agent.jar says. */
    static final String ARTIFACT_PROPERTY = "actiongate.it.agent.artifact";

    private static final String LAUNCHER = "dev.actiongate.launcher.AgentLauncher";

    @TempDir
    Path dir;

    @Test
    void theArtifactIsTheAgentJar() throws IOException {
        Path artifact = artifact();
        try (JarFile jar = new JarFile(artifact.toFile())) {
            Attributes manifest = jar.getManifest() == null
                    ? new Attributes()
                    : jar.getManifest().getMainAttributes();
            String why = artifact + " resolved as dev.actiongate:actiongate-agent; manifest " + manifest.entrySet();
            assertEquals(LAUNCHER, manifest.getValue("Premain-Class"), why);
            assertEquals(LAUNCHER, manifest.getValue("Agent-Class"), why);
            assertEquals(LAUNCHER, manifest.getValue("Main-Class"), why);
            assertEquals("true", manifest.getValue("Can-Retransform-Classes"), why);
            assertEquals(System.getProperty("actiongate.it.version"), manifest.getValue("Implementation-Version"), why);
            // Relocated and isolated: no third-party class at the top, where the application would see it.
            assertTrue(jar.getEntry("net/bytebuddy/ByteBuddy.class") == null, why);
            assertTrue(jar.getEntry("inst/dev/actiongate/shaded/net/bytebuddy/ByteBuddy.class") != null, why);
        }
    }

    @OnEveryJdk
    void theArtifactStartsAsJavaagentAndGoverns(Jdk jdk) throws IOException {
        AgentApp.Result result = AgentApp.on(jdk, dir)
                .agentJar(artifact())
                .policy("""
                        version: "it-artifact-1"
                        rules:
                          - id: no-deletes
                            action: delete_file
                            verdict: deny
                            reason: "deleting is not allowed"
                          - id: everything-else
                            verdict: allow
                        """)
                .main(BasicApp.class)
                .run();
        ForkedJvm.Run run = result.assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();
        assertTrue(
                run.command()
                        .contains(
                                "-javaagent:" + artifact() + "=" + result.app().agentArgs()),
                why);
        assertTrue(run.stderr().contains("started: policy it-artifact-1"), why);
        assertEquals(List.of("delete"), out.deniedLabels(), why);
        assertTrue(out.allowed("greet world") && out.allowed("transfer"), why);
        assertEquals(
                List.of("greet allow", "delete_file deny", "transfer_money allow"),
                result.records().verdicts(),
                "the calls were recorded\n" + why);
    }

    @OnEveryJdk
    void theArtifactIsTheCommandLine(Jdk jdk) {
        ForkedJvm.Run version =
                ForkedJvm.on(jdk).jar(artifact(), "version").run().assertExit(0);
        assertTrue(
                version.stdout().startsWith("ActionGate " + System.getProperty("actiongate.it.version")),
                version.describe());
    }

    private static Path artifact() {
        String property = System.getProperty(ARTIFACT_PROPERTY);
        if (property == null || property.isBlank()) {
            return fail("-D" + ARTIFACT_PROPERTY + " is not set; the build passes it (see integration-tests/pom.xml)");
        }
        Path artifact = Path.of(property);
        if (!Files.isRegularFile(artifact)) {
            return fail(artifact + " does not exist: the build copies dev.actiongate:actiongate-agent there"
                    + " (dependency:copy in generate-test-resources; build with -am)");
        }
        return artifact;
    }
}
