package dev.actiongate.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/** What the agent logs ({@code actiongate} and below) while a test runs: open it before, close it after. */
final class AgentLog implements AutoCloseable {

    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    AgentLog() {
        events.start();
        logger().addAppender(events);
    }

    /** Each line logged so far, formatted. */
    List<String> lines() {
        return events.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The WARN lines logged so far. */
    List<String> warnings() {
        return events.list.stream()
                .filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    /** Whether a line logged so far matches {@code pattern} somewhere. */
    boolean has(Pattern pattern) {
        return lines().stream().anyMatch(line -> pattern.matcher(line).find());
    }

    @Override
    public void close() {
        logger().detachAppender(events);
    }

    private static Logger logger() {
        return (Logger) LoggerFactory.getLogger("actiongate");
    }
}
