package dev.actiongate.agent;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.slf4j.event.Level;

/**
 * What the agent logs ({@code actiongate} and below) while a test runs: open it before, close it
 * after. Public for the tests of other packages.
 */
public final class AgentLog implements AutoCloseable {

    private final List<AgentLogging.Line> events = new CopyOnWriteArrayList<>();
    private final Closeable listening;

    public AgentLog() {
        listening = AgentLogging.listen(line -> {
            if (line.logger().equals("actiongate") || line.logger().startsWith("actiongate.")) {
                events.add(line);
            }
        });
    }

    /** Each line logged so far, formatted. */
    public List<String> lines() {
        return events.stream().map(AgentLogging.Line::message).toList();
    }

    /** The lines logged so far by the logger named {@code logger} itself. */
    public List<String> lines(String logger) {
        return events.stream()
                .filter(line -> line.logger().equals(logger))
                .map(AgentLogging.Line::message)
                .toList();
    }

    /** The WARN lines logged so far. */
    public List<String> warnings() {
        return events.stream()
                .filter(line -> line.level() == Level.WARN)
                .map(AgentLogging.Line::message)
                .toList();
    }

    /** Whether a line logged so far matches {@code pattern} somewhere. */
    public boolean has(Pattern pattern) {
        return lines().stream().anyMatch(line -> pattern.matcher(line).find());
    }

    @Override
    public void close() {
        try {
            listening.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
