package dev.actiongate.agent.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * {@code attach} and {@code detach}: the JDK's Attach API, reached through the system class loader
 * because the {@code jdk.attach} module is not visible to the agent's isolated loader (and is
 * missing from a JRE, which is then said plainly).
 */
final class Attach {

    private static final String VIRTUAL_MACHINE = String.join(".", "com", "sun", "tools", "attach", "VirtualMachine");
    private static final String RUNNING_PROPERTY = "dev.actiongate.running";
    private static final String GOVERNS_PROPERTY = "dev.actiongate.governs";
    private static final String DETACHABLE_PROPERTY = "dev.actiongate.detachable";
    private static final String JAR_PROPERTY = "dev.actiongate.cli.jar";
    /** Agent arguments naming files: resolved against this shell's directory, not the target's. */
    private static final Set<String> PATH_KEYS =
            Set.of("policy", "records", "approvals", "admin_token_file", "reviewer_tokens_file");

    private Attach() {}

    static int attach(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 2 && args[1].equals("--list")) {
            return list(out, err);
        }
        if (args.length < 2 || args.length > 3) {
            err.println("attach needs a PID (and optionally the agent arguments), or --list");
            return Cli.usage(err);
        }
        String agentArgs = args.length == 3 ? absolutePaths(args[2]) : "";
        return withVm(args[1], err, vm -> {
            Properties before = properties(vm);
            String running = before.getProperty(RUNNING_PROPERTY);
            if (running != null) {
                err.println("refused: " + running + " already runs in JVM " + args[1] + "; "
                        + ("true".equals(before.getProperty(DETACHABLE_PROPERTY))
                                ? "detach it first (java -jar actiongate-agent.jar detach " + args[1] + ")"
                                : "it cannot be detached; change its policy or switch it with 'governance' instead"));
                return 1;
            }
            call(vm, "loadAgent", jar(), agentArgs);
            Properties after = properties(vm);
            if (after.getProperty(RUNNING_PROPERTY) == null) {
                err.println("the agent did not start in JVM " + args[1] + ": see that JVM's standard error");
                return 1;
            }
            out.println("attached " + after.getProperty(RUNNING_PROPERTY) + " to JVM " + args[1]);
            String governs = after.getProperty(GOVERNS_PROPERTY, "");
            out.println(
                    governs.isBlank()
                            ? "it governs no loaded method yet; classes loaded from now on are governed as they load"
                            : "it governs:\n"
                                    + governs.stripTrailing().indent(2).stripTrailing());
            return 0;
        });
    }

    static int detach(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2) {
            err.println("detach needs the PID of a JVM the agent runs in");
            return Cli.usage(err);
        }
        return withVm(args[1], err, vm -> {
            Properties before = properties(vm);
            String running = before.getProperty(RUNNING_PROPERTY);
            if (running == null) {
                err.println("ActionGate does not run in JVM " + args[1]);
                return 1;
            }
            if (!"true".equals(before.getProperty(DETACHABLE_PROPERTY))) {
                err.println("refused: " + running + " was started with -javaagent in JVM " + args[1]
                        + "; remove the flag and restart it, or switch governing off (governance --enabled false)");
                return 1;
            }
            call(vm, "loadAgent", jar(), "detach");
            if (properties(vm).getProperty(RUNNING_PROPERTY) != null) {
                err.println("JVM " + args[1] + " refused to detach the agent: see its standard error");
                return 1;
            }
            out.println("detached ActionGate from JVM " + args[1] + ": its governed methods run their original code");
            return 0;
        });
    }

    /** What is done with a JVM while attached to it; an exit code. */
    @FunctionalInterface
    private interface WithVm {
        int run(Object vm) throws AttachProblem;
    }

    /** Attaches to JVM {@code pid}, runs {@code action}, and always detaches from it again. */
    private static int withVm(String pid, PrintStream err, WithVm action) {
        try {
            Object vm = connect(pid);
            try {
                return action.run(vm);
            } finally {
                call(vm, "detach");
            }
        } catch (AttachProblem e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private static int list(PrintStream out, PrintStream err) {
        try {
            Class<?> type = virtualMachine();
            List<?> descriptors = (List<?>) type.getMethod("list").invoke(null);
            long self = ProcessHandle.current().pid();
            List<String> lines = new ArrayList<>();
            Class<?> descriptorType =
                    Class.forName(VIRTUAL_MACHINE + "Descriptor", true, ClassLoader.getSystemClassLoader());
            for (Object descriptor : descriptors) {
                String id = (String) descriptorType.getMethod("id").invoke(descriptor);
                String name = (String) descriptorType.getMethod("displayName").invoke(descriptor);
                if (!id.equals(Long.toString(self))) {
                    lines.add(id + "\t" + (name.isBlank() ? "(no main class or jar)" : name));
                }
            }
            if (lines.isEmpty()) {
                out.println("no other JVM of this user can be attached to");
            }
            lines.forEach(out::println);
            return 0;
        } catch (AttachProblem e) {
            err.println(e.getMessage());
            return 1;
        } catch (ReflectiveOperationException e) {
            err.println("cannot list JVMs: " + cause(e));
            return 1;
        }
    }

    /** {@code policy=p.yaml,records=r.jsonl} with the file paths made absolute, since the target runs elsewhere. */
    static String absolutePaths(String agentArgs) {
        List<String> pairs = new ArrayList<>();
        for (String pair : agentArgs.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0
                    && PATH_KEYS.contains(pair.substring(0, eq).trim())
                    && !pair.substring(eq + 1).isBlank()) {
                pairs.add(pair.substring(0, eq).trim() + "="
                        + Path.of(pair.substring(eq + 1).trim())
                                .toAbsolutePath()
                                .normalize());
            } else {
                pairs.add(pair);
            }
        }
        return String.join(",", pairs);
    }

    private static Object connect(String pid) throws AttachProblem {
        if (!pid.chars().allMatch(Character::isDigit) || pid.isEmpty()) {
            throw new AttachProblem("'" + pid + "' is not a process id; 'attach --list' shows the JVMs");
        }
        try {
            return virtualMachine().getMethod("attach", String.class).invoke(null, pid);
        } catch (InvocationTargetException e) {
            throw new AttachProblem("cannot attach to JVM " + pid + ": " + cause(e)
                    + " (is it a JVM of this user, started without -XX:+DisableAttachMechanism?)");
        } catch (ReflectiveOperationException e) {
            throw new AttachProblem("cannot attach to JVM " + pid + ": " + e);
        }
    }

    private static Class<?> virtualMachine() throws AttachProblem {
        try {
            return Class.forName(VIRTUAL_MACHINE, true, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AttachProblem(
                    "this Java has no Attach API (module jdk.attach): run the command with a JDK, not a JRE");
        }
    }

    private static Properties properties(Object vm) throws AttachProblem {
        return (Properties) call(vm, "getSystemProperties");
    }

    private static Object call(Object vm, String name, Object... arguments) throws AttachProblem {
        try {
            Class<?>[] types = new Class<?>[arguments.length];
            java.util.Arrays.fill(types, String.class);
            // The public API type, not the JDK's non-exported implementation class.
            Method method = virtualMachine().getMethod(name, types);
            return method.invoke(vm, arguments);
        } catch (InvocationTargetException e) {
            throw new AttachProblem(name + " failed: " + cause(e));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new AttachProblem(name + " failed: " + e);
        }
    }

    private static String jar() throws AttachProblem {
        String jar = System.getProperty(JAR_PROPERTY);
        if (jar == null) {
            throw new AttachProblem("cannot tell which agent jar to load: run this as java -jar actiongate-agent.jar");
        }
        return jar;
    }

    private static String cause(Throwable e) {
        Throwable cause = e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    /** Why attaching did not work, in words for the person at the terminal. */
    private static final class AttachProblem extends Exception {
        private static final long serialVersionUID = 1L;

        AttachProblem(String message) {
            super(message);
        }
    }
}
