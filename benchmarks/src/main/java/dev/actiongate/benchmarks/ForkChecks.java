package dev.actiongate.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Runs inside the benchmark forks, outside the measured code. A benchmark that ran without the
 * agent it expects (or with one it must not have) would still print plausible numbers, so each
 * fork first proves its set-up and fails loudly otherwise.
 */
final class ForkChecks {

    /**
     * The fork's records file, set by {@link AgentForkProfiler}. Not an {@code actiongate.*} key:
     * the agent warns about every such property it does not know.
     */
    static final String RECORDS_PROPERTY = "bench.records";

    /** Defined in java.base only when the agent started (see the agent's BridgeInstaller). */
    private static final String BRIDGE = "java.lang.ActionGateBridge";

    private ForkChecks() {}

    static void requireNoAgent() {
        if (bridgeLoadable()) {
            throw new IllegalStateException(
                    "this benchmark must run without the ActionGate agent, but " + BRIDGE + " is defined in this JVM");
        }
    }

    /** @return the fork's records file */
    static Path requireAgent() {
        String records = System.getProperty(RECORDS_PROPERTY);
        if (!bridgeLoadable() || records == null) {
            throw new IllegalStateException("this benchmark needs the ActionGate agent: run it with"
                    + " dev.actiongate.benchmarks.RunBenchmarks, or add -prof "
                    + AgentForkProfiler.class.getName() + " to the JMH command line");
        }
        return Path.of(records);
    }

    /**
     * Fails unless a decision record of {@code action} holds every one of {@code fields} (canonical
     * JSON has no whitespace, so {@code "verdict":"allow"} is matched as written), and prints its
     * size and that of its outcome record, which say how much a call writes. The agent writes
     * outcome records from a background thread, so their absence is waited out for a while.
     */
    static void requireDecision(Path records, String action, boolean outcomeExpected, String... fields) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String actionField = "\"action\":\"" + action + "\"";
        while (true) {
            List<String> lines = lines(records);
            String decision = lines.stream()
                    .filter(line -> line.contains("\"kind\":\"decision\"")
                            && line.contains(actionField)
                            && Stream.of(fields).allMatch(line::contains))
                    .findFirst()
                    .orElse(null);
            String outcome = decision == null
                    ? null
                    : lines.stream()
                            .filter(line -> line.contains("\"kind\":\"outcome\"")
                                    && line.contains("\"decision_id\":\"" + field(decision, "decision_id") + "\""))
                            .findFirst()
                            .orElse(null);
            if (decision != null && (outcome != null || !outcomeExpected)) {
                System.out.println("# ActionGate: " + action + " decision record " + (decision.length() + 1) + " bytes"
                        + (outcome == null ? "" : ", outcome record " + (outcome.length() + 1) + " bytes"));
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no decision record of " + action + " with " + List.of(fields)
                        + (outcomeExpected ? " and its outcome record" : "") + " in " + records + ":\n"
                        + String.join("\n", lines));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /**
     * Empties the records file between iterations so a run of millions of calls does not fill the
     * disk. The agent appends (O_APPEND), so its next record simply starts the file again; the
     * chain across the cut is broken, which no benchmark reads.
     */
    static void truncate(Path records) {
        try (FileChannel channel = FileChannel.open(records, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        } catch (NoSuchFileException e) {
            // nothing written yet
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate " + records, e);
        }
    }

    private static boolean bridgeLoadable() {
        try {
            Class.forName(BRIDGE, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static List<String> lines(Path records) {
        try {
            return Files.readAllLines(records, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the records file " + records, e);
        }
    }

    private static String field(String line, String name) {
        String key = "\"" + name + "\":\"";
        int start = line.indexOf(key) + key.length();
        return line.substring(start, line.indexOf('"', start));
    }
}
