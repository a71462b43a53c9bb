package dev.actiongate.buildguard;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.build.Plugin;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;

/**
 * The build step: {@code BuildGuard [--classpath PATH] CLASSES_FOLDER...} guards, in place, the
 * governed methods of the classes in each folder. The class path (else the calling thread's
 * class loader, as under {@code exec:java}) lets it see annotated interfaces and superclasses
 * from the service's dependencies. A class it cannot guard fails the build: a governed method
 * left unguarded would be exactly the silent path the guard exists to close.
 */
public final class BuildGuard {

    private BuildGuard() {}

    /** Throws rather than exits on failure: run by {@code exec:java}, an exit would end Maven itself. */
    public static void main(String[] args) {
        if (run(args, System.out, System.err) != 0) {
            throw new IllegalStateException("the ActionGate build guard failed; its messages say why");
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> folders = new ArrayList<>();
        List<ClassFileLocator> locators = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--classpath")) {
                    if (++i == args.length) {
                        err.println("actiongate-build-guard: --classpath needs a value");
                        return 2;
                    }
                    for (String entry : args[i].split(File.pathSeparator)) {
                        locators.add(locatorOf(Path.of(entry)));
                    }
                } else {
                    folders.add(Path.of(args[i]));
                }
            }
        } catch (IOException e) {
            err.println("actiongate-build-guard: cannot read a --classpath entry: " + e);
            return 2;
        }
        if (folders.isEmpty()) {
            err.println("usage: BuildGuard [--classpath PATH] CLASSES_FOLDER...");
            return 2;
        }
        locators.add(ClassFileLocator.ForClassLoader.of(Thread.currentThread().getContextClassLoader()));
        locators.add(ClassFileLocator.ForClassLoader.of(BuildGuard.class.getClassLoader()));
        ClassFileLocator classPath = new ClassFileLocator.Compound(locators);
        for (Path folder : folders) {
            int exit = guard(folder, classPath, out, err);
            if (exit != 0) {
                return exit;
            }
        }
        return 0;
    }

    /** Guards the classes in {@code folder}; the exit code, 0 when every class was guarded. */
    private static int guard(Path folder, ClassFileLocator classPath, PrintStream out, PrintStream err) {
        if (!Files.isDirectory(folder)) {
            err.println("actiongate-build-guard: " + folder.toAbsolutePath() + " is not a folder of compiled classes");
            return 2;
        }
        Plugin.Engine.Summary summary;
        try {
            summary = new Plugin.Engine.Default()
                    .with(Plugin.Engine.TypeStrategy.Default.DECORATE)
                    .with(classPath)
                    .withErrorHandlers(
                            Plugin.Engine.ErrorHandler.Enforcing.ALL_TYPES_RESOLVED,
                            Plugin.Engine.ErrorHandler.Failing.FAIL_LAST)
                    .apply(folder.toFile(), folder.toFile(), new Plugin.Factory.Simple(new RequireAgentPlugin()));
        } catch (IOException | RuntimeException e) {
            err.println("actiongate-build-guard: guarding " + folder.toAbsolutePath() + " failed: " + e);
            err.println("actiongate-build-guard: a type it cannot find decides whether a method is governed: put the"
                    + " service's dependencies on --classpath, or run it with exec:java, which has them");
            return 1;
        }
        if (!summary.getFailed().isEmpty()) {
            for (Map.Entry<TypeDescription, List<Throwable>> failed :
                    summary.getFailed().entrySet()) {
                err.println(
                        "actiongate-build-guard: " + failed.getKey().getName() + " not guarded: " + failed.getValue());
            }
            return 1;
        }
        int guarded = summary.getTransformed().size();
        out.println("ActionGate build guard: " + guarded + (guarded == 1 ? " class" : " classes") + " in "
                + folder.toAbsolutePath() + " guarded: their governed methods deny every call unless the agent runs");
        return 0;
    }

    private static ClassFileLocator locatorOf(Path entry) throws IOException {
        if (Files.isDirectory(entry)) {
            return new ClassFileLocator.ForFolder(entry.toFile());
        }
        return Files.isRegularFile(entry)
                ? ClassFileLocator.ForJarFile.of(entry.toFile())
                : ClassFileLocator.NoOp.INSTANCE;
    }
}
