package dev.actiongate.agent.gate;

import dev.actiongate.agent.records.RecordSink;
import dev.actiongate.agent.records.Timestamps;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Classes the agent examined but could not instrument. Such a class runs as compiled, so if it
 * has governed methods they run undecided: each failure is logged at ERROR, written as an
 * {@code instrumentation_failed} record, and listed by the admin API's {@code /status}. A
 * failure can come before the records file is open (classes load while start-up runs in the
 * background): its record waits until the file is.
 */
public final class InstrumentationFailures {

    /** How many failures {@code /status} lists; the count and the records cover the rest. */
    static final int MAX_LISTED = 100;

    /**
     * One class that could not be instrumented.
     *
     * @param type      the class's name
     * @param loader    its class loader, described
     * @param cause     why, as the exception said
     * @param timestamp when, RFC 3339
     */
    public record Failure(String type, String loader, String cause, String timestamp) {}

    private final String service;
    private final Set<String> seen = new HashSet<>();
    private final List<Failure> listed = new ArrayList<>();
    private final List<Map<String, Object>> unwritten = new ArrayList<>();
    private int count;
    private RecordSink records;
    private boolean noRecords;

    InstrumentationFailures(String service) {
        this.service = service;
    }

    /** Called on the thread that failed to transform {@code typeName}; never throws. */
    public void report(String typeName, ClassLoader loader, boolean loaded, Throwable cause) {
        try {
            String described = describe(loader);
            String why = why(cause);
            LoggerFactory.getLogger("actiongate")
                    .error(
                            "could not instrument {} (class loader {}): its governed"
                                    + " methods, if any, run UNGOVERNED; recorded as instrumentation_failed",
                            typeName,
                            described,
                            cause);
            Failure failure = new Failure(typeName, described, why, Timestamps.now());
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("cause", failure.cause());
            record.put("kind", "instrumentation_failed");
            record.put("loaded", loaded);
            record.put("loader", failure.loader());
            record.put("service", service);
            record.put("timestamp", failure.timestamp());
            record.put("type", failure.type());
            RecordSink target;
            synchronized (this) {
                if (!seen.add(System.identityHashCode(loader) + "/" + typeName)) {
                    return;
                }
                count++;
                if (listed.size() < MAX_LISTED) {
                    listed.add(failure);
                }
                target = records;
                if (target == null && !noRecords) {
                    unwritten.add(record);
                }
            }
            if (target != null) {
                write(target, record);
            }
        } catch (RuntimeException | LinkageError e) {
            // Reporting must not turn a failed transformation into a failed class load.
        }
    }

    /** Writes the records that waited for the records sink, and every later one at once; {@code null}: there is none. */
    void recordInto(RecordSink opened) {
        List<Map<String, Object>> waiting;
        synchronized (this) {
            records = opened;
            noRecords = opened == null;
            waiting = new ArrayList<>(unwritten);
            unwritten.clear();
        }
        if (opened != null) {
            waiting.forEach(record -> write(opened, record));
        }
    }

    /** The failures so far, up to {@link #MAX_LISTED} of them, in the order they happened. */
    public synchronized List<Failure> list() {
        return List.copyOf(listed);
    }

    /** How many classes failed, listed or not. */
    public synchronized int count() {
        return count;
    }

    private static void write(RecordSink records, Map<String, Object> record) {
        try {
            records.appendSoon(record, null);
        } catch (Exception e) {
            LoggerFactory.getLogger("actiongate")
                    .error("instrumentation_failed record could not be written ({}): {}", e.toString(), record);
        }
    }

    private static String describe(ClassLoader loader) {
        if (loader == null) {
            return "bootstrap";
        }
        String type = loader.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(loader));
        return loader.getName() == null ? type : loader.getName() + " (" + type + ")";
    }

    private static String why(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == cause ? cause.toString() : cause + " (caused by " + root + ")";
    }
}
