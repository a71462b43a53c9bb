package dev.actiongate.buildguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.GovernedAction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build step's command line: what it guards, and how it refuses what it cannot guard. */
class BuildGuardCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void aMissingFolderIsAnErrorNamingIt() {
        Path missing = dir.resolve("no-such-classes");
        assertEquals(2, run(missing.toString()));
        assertTrue(err().contains(missing.toAbsolutePath() + " is not a folder of compiled classes"), err());
    }

    @Test
    void noFolderPrintsTheUsage() {
        assertEquals(2, run());
        assertTrue(err().startsWith("usage: BuildGuard [--classpath PATH] CLASSES_FOLDER..."), err());
        assertEquals(2, run("--classpath"));
        assertTrue(err().contains("--classpath needs a value"), err());
    }

    @Test
    void aClassWhoseSupertypeCannotBeFoundFailsTheBuildNamingIt() throws Exception {
        Path classes = compile("""
                package app;
                public class Base {
                    @dev.actiongate.GovernedAction("x")
                    public void act() {
                    }
                }
                """, """
                package app;
                public class Child extends Base {
                    @Override
                    public void act() {
                    }
                }
                """);
        // Whether Child#act is governed depends on Base: without it, guessing would be a silent bypass.
        Files.delete(classes.resolve("app/Base.class"));
        assertEquals(1, run(classes.toString()));
        assertTrue(err().contains("app.Child"), err());
    }

    @Test
    void onlyClassesWithGovernedMethodsChange() throws Exception {
        Path classes = compile("""
                package app;
                public class Plain {
                    public void act() {
                    }
                }
                """, """
                package app;
                public class Governed {
                    @dev.actiongate.GovernedAction("x")
                    public void act() {
                    }
                }
                """);
        byte[] plain = Files.readAllBytes(classes.resolve("app/Plain.class"));
        byte[] governed = Files.readAllBytes(classes.resolve("app/Governed.class"));
        assertEquals(0, run(classes.toString()), err());
        assertTrue(out().startsWith("ActionGate build guard: 1 class in"), out());
        assertTrue(java.util.Arrays.equals(plain, Files.readAllBytes(classes.resolve("app/Plain.class"))));
        assertTrue(!java.util.Arrays.equals(governed, Files.readAllBytes(classes.resolve("app/Governed.class"))));
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return BuildGuard.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path compile(String... sources) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/app"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> arguments = new java.util.ArrayList<>(List.of(
                "-d", classes.toString(), "-classpath", annotationsLocation().toString()));
        int n = 0;
        for (String source : sources) {
            String name =
                    source.substring(source.indexOf("class ") + 6, source.indexOf(' ', source.indexOf("class ") + 6));
            Path file = src.resolve(name + ".java");
            Files.writeString(file, source);
            arguments.add(file.toString());
            n++;
        }
        assertEquals(sources.length, n);
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments.toArray(String[]::new)));
        return classes;
    }

    private static Path annotationsLocation() throws URISyntaxException {
        return Path.of(GovernedAction.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }
}
