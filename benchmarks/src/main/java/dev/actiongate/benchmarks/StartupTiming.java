package dev.actiongate.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures what the agent adds to an application's start: {@link StartupProbe} is started
 * {@code runs} times without and {@code runs} times with {@code -javaagent} (policy
 * {@code enforce.yaml}), alternating so that drift of the machine hits both alike, after one
 * untimed start of each to warm the file cache. Reports the median of:
 * <ul>
 *   <li>spawn to main: from just before the process is spawned to the first statement of
 *       {@code main}; with the agent this includes its {@code premain};</li>
 *   <li>main to first governed call: until the first governed call has returned; with the
 *       agent it waits for the policy, loaded on a background thread since {@code premain};</li>
 *   <li>spawn to exit: the whole life of the trivial process;</li>
 *   <li>JVM start to main: from {@code RuntimeMXBean.getStartTime()}, the JVM's own view.</li>
 * </ul>
 * JMH is no use here: it measures inside a JVM that has long started.
 */
final class StartupTiming {

    private static final String[] METRICS = {
        "spawn to main", "main to first governed call", "spawn to exit", "JVM start to main"
    };

    private StartupTiming() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1");
        }
        BenchWorkspace workspace = BenchWorkspace.get();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        System.out.println("# ActionGate agent jar: " + workspace.agentJar());
        System.out.println("# JVM: " + java + " (" + System.getProperty("java.vm.name") + " " + Runtime.version()
                + "), " + Runtime.getRuntime().availableProcessors() + " CPUs");
        System.out.println("# " + runs + " timed starts each, alternating, after one untimed start each");

        Map<String, List<double[]>> samples = new HashMap<>();
        for (int run = 0; run <= runs; run++) {
            for (boolean agent : new boolean[] {false, true}) {
                double[] sample = start(workspace, java, classPath, agent, run == 1 && agent);
                if (run > 0) {
                    samples.computeIfAbsent(label(agent), key -> new ArrayList<>())
                            .add(sample);
                    System.out.printf(
                            Locale.ROOT,
                            "run %d %-13s spawn->main %7.1f ms, main->first call %7.1f ms,"
                                    + " spawn->exit %7.1f ms, JVM start->main %5.0f ms%n",
                            run,
                            label(agent),
                            sample[0],
                            sample[1],
                            sample[2],
                            sample[3]);
                }
            }
        }

        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-28s %13s %13s %13s%n",
                "median of " + runs + " runs, ms",
                label(false),
                label(true),
                "difference");
        for (int metric = 0; metric < METRICS.length; metric++) {
            double without = median(samples.get(label(false)), metric);
            double with = median(samples.get(label(true)), metric);
            System.out.printf(
                    Locale.ROOT, "%-28s %13.1f %13.1f %+13.1f%n", METRICS[metric], without, with, with - without);
        }
    }

    private static String label(boolean agent) {
        return agent ? "with agent" : "without agent";
    }

    /** One start of the probe; the sample holds the metrics in the order of {@link #METRICS}, in ms. */
    private static double[] start(
            BenchWorkspace workspace, String java, String classPath, boolean agent, boolean showOutput)
            throws IOException, InterruptedException {
        Path records = agent ? workspace.newRecordsFile("startup") : null;
        List<String> command = new ArrayList<>();
        command.add(java);
        if (agent) {
            command.add(workspace.javaAgentOption("enforce.yaml", records));
        }
        command.add("-cp");
        command.add(classPath);
        command.add(StartupProbe.class.getName());
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            long spawnMicros = StartupProbe.micros(Instant.now());
            Process process = builder.start();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int exit = process.waitFor();
            long exitMicros = StartupProbe.micros(Instant.now());
            Map<String, Long> values = parse(output);
            if (exit != 0 || values == null) {
                throw new IllegalStateException(
                        "the start-up probe failed (exit " + exit + "): " + command + "\n" + output);
            }
            if (showOutput) {
                System.out.println("# output of a start with the agent:");
                output.lines().forEach(line -> System.out.println("#   " + line));
            }
            return new double[] {
                (values.get("main_us") - spawnMicros) / 1000.0,
                (values.get("first_call_us") - values.get("main_us")) / 1000.0,
                (exitMicros - spawnMicros) / 1000.0,
                values.get("main_us") / 1000.0 - values.get("jvm_start_ms"),
            };
        } finally {
            BenchWorkspace.deleteQuietly(records);
        }
    }

    static Map<String, Long> parse(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith(StartupProbe.PREFIX + " ")) {
                Map<String, Long> values = new HashMap<>();
                for (String pair :
                        line.substring(StartupProbe.PREFIX.length() + 1).trim().split(" ")) {
                    String[] keyValue = pair.split("=", 2);
                    values.put(keyValue[0], Long.parseLong(keyValue[1]));
                }
                return values;
            }
        }
        return null;
    }

    static double median(List<double[]> samples, int metric) {
        double[] values =
                samples.stream().mapToDouble(sample -> sample[metric]).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
