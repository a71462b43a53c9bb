package dev.actiongate.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How soon a call held for approval on one instance of a fleet goes on after a reviewer approves
 * it on another. Two JVMs with the agent share the PostgreSQL database {@link BenchStore} names:
 * A ({@code WakeupProbe review}) serves the admin API the reviews go through; B
 * ({@code WakeupProbe hold}) makes held calls one after the other ({@code held.yaml}). For each,
 * the parent waits until B's own admin API shows a caller waiting on it (so the measurement starts
 * with B's caller parked), approves it through A's API ({@code POST /approvals/{id}/approve}) and
 * reads B's line saying the call returned. All times are the parent's {@code System.nanoTime()}:
 * <ul>
 *   <li>answer to return: from A's answer to the review (the review is committed and announced by
 *       then) to the parent reading B's line: what a reviewer waits for after the console says
 *       "approved";</li>
 *   <li>request to return: from sending the review, so A's own work (its record of the review,
 *       the commit, the NOTIFY) is included too.</li>
 * </ul>
 * Both include B's wake-up (the notice reaching its listener, the request re-read and consumed
 * under its row lock, its {@code approval_resolved} record), the body, and B's line reaching the
 * parent through a pipe. The records' own time stamps (A's {@code approval_reviewed} to B's
 * {@code approval_resolved}, milliseconds) are reported beside them.
 */
final class WakeupTiming {

    private static final int UNTIMED = 5;
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern WAITING = Pattern.compile("\"waiting\"\\s*:\\s*true");

    private WakeupTiming() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        if (calls < 1) {
            throw new IllegalArgumentException("calls must be at least 1");
        }
        String storeA;
        String storeB;
        try {
            storeA = BenchStore.agentOptions("a", "wakeup");
            storeB = BenchStore.agentOptions("b", "wakeup");
        } catch (IllegalStateException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(2);
            return;
        }
        BenchWorkspace workspace = BenchWorkspace.get();
        System.out.println("# ActionGate agent jar: " + workspace.agentJar());
        System.out.println("# JVM: " + Runtime.version() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, load average " + loadAverage());
        System.out.println("# " + UNTIMED + " untimed held calls, then " + calls + " timed, one after the other");
        String token = token(workspace.file("wakeup-admin-token"));
        Path recordsA = workspace.newRecordsFile("wakeup-a");
        Path recordsB = workspace.newRecordsFile("wakeup-b");
        List<long[]> samples = new ArrayList<>();
        List<String> timedIds = new ArrayList<>();
        try (ForkedInstance a = start(workspace, "a", recordsA, storeA, token, "review");
                ForkedInstance b =
                        start(workspace, "b", recordsB, storeB, token, "hold", String.valueOf(UNTIMED + calls))) {
            a.awaitAdmin(LIMIT);
            b.awaitAdmin(LIMIT);
            String previous = null;
            for (int call = 0; call < UNTIMED + calls; call++) {
                String id = awaitWaiting(b, previous);
                long[] sample = approveAndAwaitReturn(a, b, id, call);
                if (call >= UNTIMED) {
                    samples.add(sample);
                    timedIds.add(id);
                }
                previous = id;
            }
        }
        report(samples, ReviewTimes.between(recordsA, recordsB, timedIds));
        System.out.println("# load average at the end " + loadAverage());
        BenchWorkspace.deleteQuietly(recordsA);
        BenchWorkspace.deleteQuietly(recordsB);
    }

    /**
     * Approves {@code id} through {@code a} and waits for {@code b}'s held call {@code call} to
     * return: nanoseconds from {@code a}'s answer, and from sending the review, to the return.
     */
    private static long[] approveAndAwaitReturn(ForkedInstance a, ForkedInstance b, String id, int call)
            throws IOException, InterruptedException {
        long sent = System.nanoTime();
        HttpResponse<String> answer = a.post(
                "/approvals/" + id + "/approve",
                "{\"reviewer\": \"bench-reviewer\", \"comment\": \"wake-up " + call + "\"}");
        long answered = System.nanoTime();
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(
                    "approving " + id + " on a answered " + answer.statusCode() + ": " + answer.body());
        }
        String returned = WakeupProbe.RETURNED + " " + call + " ";
        ForkedInstance.Line line = b.await(
                "return of call " + call,
                text -> text.startsWith(returned) || text.startsWith(WakeupProbe.DENIED),
                LIMIT);
        if (!line.text().startsWith(returned)) {
            throw new IllegalStateException("instance b: " + line.text());
        }
        return new long[] {line.readNanos() - answered, line.readNanos() - sent};
    }

    private static ForkedInstance start(
            BenchWorkspace workspace, String name, Path records, String store, String token, String... probeArgs)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(workspace.javaAgentOption("held.yaml", records) + store + ",admin_port=0,admin_token_file="
                + workspace.file("wakeup-admin-token"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(WakeupProbe.class.getName());
        command.addAll(List.of(probeArgs));
        return ForkedInstance.start(name, command, token);
    }

    /**
     * The id of the request B's caller waits on, once B's admin API shows it waiting; not
     * {@code previous}, which B has consumed. B makes one call at a time, so only one is pending.
     */
    private static String awaitWaiting(ForkedInstance b, String previous) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = b.get("/approvals").body();
            Matcher id = ID.matcher(body);
            if (id.find()
                    && !id.group(1).equals(previous)
                    && WAITING.matcher(body).find()) {
                return id.group(1);
            }
            Thread.sleep(2); // pacing between polls; not part of what is measured
        }
        throw new IllegalStateException("no call waiting on instance b within " + LIMIT.toSeconds() + " s: " + body);
    }

    private static String token(Path file) throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, token + "\n");
        return token;
    }

    private static void report(List<long[]> samples, List<Long> recordMillis) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-55s %8s %8s %8s %8s %8s%n",
                "wake-up, ms, " + samples.size() + " calls",
                "median",
                "p90",
                "p99",
                "max",
                "min");
        row(
                "review answered on a -> call returned on b",
                samples.stream().mapToLong(s -> s[0]).toArray(),
                1e6);
        row(
                "review sent to a -> call returned on b",
                samples.stream().mapToLong(s -> s[1]).toArray(),
                1e6);
        row(
                "records: approval_reviewed (a) -> approval_resolved (b)",
                recordMillis.stream().mapToLong(Long::longValue).toArray(),
                1);
    }

    /** One line of percentiles, nearest rank: p90 of 100 values is the 90th smallest. */
    private static void row(String label, long[] values, double perMilli) {
        if (values.length == 0) {
            System.out.printf(Locale.ROOT, "%-55s %8s%n", label, "-");
            return;
        }
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "%-55s %8.1f %8.1f %8.1f %8.1f %8.1f%n",
                label,
                rank(sorted, 50) / perMilli,
                rank(sorted, 90) / perMilli,
                rank(sorted, 99) / perMilli,
                sorted[sorted.length - 1] / perMilli,
                sorted[0] / perMilli);
    }

    private static long rank(long[] sorted, int percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
    }
}
