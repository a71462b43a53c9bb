package dev.actiongate.agent;

import java.io.Closeable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The agent's own (relocated) SLF4J provider: every logger writes INFO, WARN and ERROR to standard
 * error as one line {@code HH:mm:ss.SSS [actiongate] LEVEL message}, followed by the stack trace of
 * a throwable. It never reads the application's logging configuration, and it is what the agent's
 * libraries (HikariCP, the PostgreSQL driver) log through as well.
 *
 * <p>A logging framework cost every JVM start about 200 ms of CPU (its configuration, pattern
 * parser and some 300 classes) for these lines; this is a few classes.
 */
public final class AgentLogging implements SLF4JServiceProvider {

    /** One line the agent logged, for a test that listens. */
    public record Line(String logger, Level level, String message) {}

    private static final List<Consumer<Line>> LISTENERS = new CopyOnWriteArrayList<>();

    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, StderrLogger::new);
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Hands every line logged from now on to {@code listener} as well, until closed. */
    public static Closeable listen(Consumer<Line> listener) {
        LISTENERS.add(listener);
        return () -> LISTENERS.remove(listener);
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to read or configure
    }

    private static final class StderrLogger extends LegacyAbstractLogger {

        private static final long serialVersionUID = 1L;
        /** What is kept of a stack trace that failed part-way: a deep chain of causes prints megabytes first. */
        private static final int PARTIAL_TRACE_CHARS = 64 * 1024;

        StderrLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                Level level, Marker marker, String pattern, Object[] arguments, Throwable thrown) {
            String message = formatted(pattern, arguments);
            StringBuilder line = new StringBuilder(message.length() + 40);
            // the host's local time, as the lines of the application's own log usually are
            LocalTime now = LocalTime.now(ZoneId.systemDefault());
            twoDigits(line, now.getHour()).append(':');
            twoDigits(line, now.getMinute()).append(':');
            twoDigits(line, now.getSecond()).append('.');
            int millis = now.getNano() / 1_000_000;
            line.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10));
            line.append((char) ('0' + millis % 10));
            line.append(" [actiongate] ").append(level.name());
            line.append(" ".repeat(Math.max(0, 5 - level.name().length())));
            line.append(' ').append(message).append(System.lineSeparator());
            if (thrown != null) {
                line.append(stackTrace(thrown));
            }
            // One print: lines of threads logging at once never interleave.
            System.err.print(line);
            for (Consumer<Line> listener : LISTENERS) {
                listener.accept(new Line(name, level, message));
            }
        }

        /**
         * An application's object can throw from its own {@code toString}, and so can the
         * exception it throws (SLF4J reports that one's stack trace): the line is still logged,
         * and the fault path that logs it never meets a second fault here.
         */
        private static String formatted(String pattern, Object[] arguments) {
            try {
                // null, as a library may log, reads "null" rather than failing the call that logs it
                return String.valueOf(MessageFormatter.basicArrayFormat(pattern, arguments));
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                return pattern + " (its arguments could not be formatted: "
                        + e.getClass().getName() + ")";
            }
        }

        /** As {@link #formatted}: for an exception whose message throws, or whose causes nest past the stack. */
        private static String stackTrace(Throwable thrown) {
            StringWriter trace = new StringWriter();
            try {
                thrown.printStackTrace(new PrintWriter(trace));
                return trace.toString();
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                String partial = trace.toString();
                if (partial.length() > PARTIAL_TRACE_CHARS) {
                    partial = partial.substring(0, PARTIAL_TRACE_CHARS) + "..." + System.lineSeparator();
                }
                return partial + "(" + thrown.getClass().getName() + ": its stack trace could not be printed: "
                        + e.getClass().getName() + ")" + System.lineSeparator();
            }
        }

        private static StringBuilder twoDigits(StringBuilder line, int value) {
            return line.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
        }
    }
}
