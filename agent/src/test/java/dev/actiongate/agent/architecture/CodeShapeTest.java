package dev.actiongate.agent.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.CallableDeclaration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps every type small enough to read in one sitting and every method short enough to see
 * whole: no source file of the project's main code over {@value #MAX_FILE_LINES} lines, no method
 * or constructor over {@value #MAX_METHOD_LINES}. A type that grows past that has taken on a
 * second job; split it rather than raise the limit.
 */
class CodeShapeTest {

    static final int MAX_FILE_LINES = 349;
    static final int MAX_METHOD_LINES = 59;

    /** The main sources of every module, found from the agent module's folder, where the tests run. */
    private static final List<String> MODULES = List.of(
            "agent",
            "annotations",
            "build-guard",
            "demo-app",
            "integration-tests",
            "integration-tests-spring",
            "benchmarks");

    @Test
    void noFileOrMethodOutgrowsTheLimits() throws IOException {
        StaticJavaParser.getParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17);
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> tooLong = new ArrayList<>();
        int files = 0;
        for (String module : MODULES) {
            Path sources = root.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(sources)) {
                for (Path file :
                        walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    tooLong.addAll(problems(root.relativize(file), Files.readString(file)));
                }
            }
        }
        assertTrue(files > 100, "the sources were found under " + root + " (" + files + " files)");
        assertEquals(List.of(), tooLong, "split these: one job per type, methods short enough to see whole");
    }

    @Test
    void theMeasureSeesALongMethodAndALongFile() {
        String method = "class A {\n  void m() {\n" + "    int x = 0;\n".repeat(MAX_METHOD_LINES) + "  }\n}\n";
        assertEquals(
                List.of("A.java: method void m() is 61 lines (at most " + MAX_METHOD_LINES + ")"),
                problems(Path.of("A.java"), method));
        String file = "class B {\n" + "\n".repeat(MAX_FILE_LINES) + "}\n";
        assertEquals(List.of("B.java: 351 lines (at most " + MAX_FILE_LINES + ")"), problems(Path.of("B.java"), file));
    }

    private static List<String> problems(Path file, String text) {
        List<String> problems = new ArrayList<>();
        long lines = text.lines().count();
        if (lines > MAX_FILE_LINES) {
            problems.add(file + ": " + lines + " lines (at most " + MAX_FILE_LINES + ")");
        }
        CompilationUnit unit = StaticJavaParser.parse(text);
        for (CallableDeclaration<?> callable : unit.findAll(CallableDeclaration.class)) {
            int length =
                    callable.getEnd().orElseThrow().line - callable.getBegin().orElseThrow().line + 1;
            if (length > MAX_METHOD_LINES) {
                problems.add(file + ": " + (callable.isConstructorDeclaration() ? "constructor " : "method ")
                        + callable.getDeclarationAsString(false, false, false) + " is " + length + " lines (at most "
                        + MAX_METHOD_LINES + ")");
            }
        }
        return problems;
    }
}
