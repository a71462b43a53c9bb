package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A forked JVM that is running while the test talks to it: lines on its standard input (the
 * applications' {@code gate:} steps wait for them), its output so far (their {@code MARK} lines
 * say how far they got), and its end. Closing it ends the JVM and every process it started, so
 * that nothing writes into the test's folder after the test.
 */
public final class StartedJvm implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<String> command;
    private final Process process;
    private final Path out;
    private final Path err;
    private final Duration timeout;
    private final long start = System.nanoTime();
    private ForkedJvm.Run ended;

    StartedJvm(List<String> command, Process process, Path out, Path err, Duration timeout) {
        this.command = command;
        this.process = process;
        this.out = out;
        this.err = err;
        this.timeout = timeout;
    }

    public long pid() {
        return process.pid();
    }

    /** What it printed on standard output so far. */
    public String stdout() {
        return read(out);
    }

    /** What it printed on standard error so far: the agent's log. */
    public String stderr() {
        return read(err);
    }

    /** The run, if the JVM has ended. */
    public Optional<ForkedJvm.Run> ended() {
        return process.isAlive() ? Optional.empty() : Optional.of(finish());
    }

    /** Sends {@code line} to its standard input: the name a {@code gate:} step of the application waits for. */
    public void send(String line) {
        try {
            OutputStream input = process.getOutputStream();
            input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            input.flush();
        } catch (IOException e) {
            fail("cannot send '" + line + "' to the application: " + e + "\n" + describe());
        }
    }

    /** Ends its standard input: an application reading it sees the end. */
    public void closeInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // it has ended already, which its run says
        }
    }

    /** Waits until it printed the line {@code MARK name} (the application's {@code mark:} step). */
    public void awaitMark(String name) {
        awaitStdout("mark " + name, "MARK " + name);
    }

    /** Waits until its standard output has a line equal to {@code line}. */
    public void awaitStdout(String what, String line) {
        Await.until(what, WAIT, this, () -> stdout().lines().anyMatch(line::equals));
    }

    /** Waits until a line of its standard error matches {@code pattern}; returns the match. */
    public Matcher awaitStderr(String what, Pattern pattern) {
        Matcher[] found = new Matcher[1];
        Await.until(what, WAIT, this, () -> {
            Matcher matcher = pattern.matcher(stderr());
            if (matcher.find()) {
                found[0] = matcher;
                return true;
            }
            return false;
        });
        return found[0];
    }

    /** Waits for its end; fails the test if it outlives its timeout. */
    public ForkedJvm.Run finish() {
        if (ended != null) {
            return ended;
        }
        try {
            long left = timeout.toNanos() - (System.nanoTime() - start);
            if (!process.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
                stop();
                ended = new ForkedJvm.Run(command, -1, read(out), read(err), Duration.ZERO);
                return fail("forked JVM did not end within " + timeout + "\n" + ended.describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running " + String.join(" ", command), e);
        }
        ended = new ForkedJvm.Run(
                command, process.exitValue(), read(out), read(err), Duration.ofNanos(System.nanoTime() - start));
        return ended;
    }

    /** Everything about it so far, for assertion messages. */
    public String describe() {
        return process.isAlive()
                ? new ForkedJvm.Run(command, -1, read(out), read(err), Duration.ZERO).describe() + " (still running)"
                : finish().describe();
    }

    /** Ends the JVM if it still runs, and waits until it and its children are gone. */
    @Override
    public void close() {
        stop();
        ForkedJvm.deleteQuietly(out);
        ForkedJvm.deleteQuietly(err);
    }

    private void stop() {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("a process of " + String.join(" ", command) + " did not end: " + e, e);
        }
    }

    private static String read(Path file) {
        try {
            // a line the JVM is writing may end inside a character: decoded leniently, not refused
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
