package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A test application compiled while the test runs, for what this module's own build cannot
 * produce, such as a class compiled without {@code -parameters}.
 */
final class CompiledApp {

    private CompiledApp() {}

    /**
     * Compiles {@code source}, the class {@code className}, for Java 17 against {@link AppClasspath#basic()}.
     *
     * @param options compiler options besides the class path, release and output folder
     * @return the folder holding the class files
     */
    static Path compile(Path dir, String className, String source, List<String> options) throws IOException {
        Path sources = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path file = sources.resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertTrue(compiler != null, "the tests run on a JDK, which has a compiler");
        List<String> arguments = new ArrayList<>(options);
        arguments.addAll(List.of(
                "--release",
                "17",
                "-d",
                classes.toString(),
                "-classpath",
                AppClasspath.basic().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                file.toString()));
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        int status = compiler.run(null, messages, messages, arguments.toArray(String[]::new));
        if (status != 0) {
            fail("javac " + String.join(" ", arguments) + " failed with " + status + "\n" + messages);
        }
        return classes;
    }
}
