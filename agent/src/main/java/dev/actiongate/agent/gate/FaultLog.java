package dev.actiongate.agent.gate;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the faults that made the gate fail closed are logged. Every denied call throws and says
 * why; the log says it with the stack the first time, then at most once a second with how many
 * calls the fault denied meanwhile, so that a broken records folder cannot flood it.
 */
final class FaultLog {

    private static final long REPEAT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final Map<String, Repeats> repeats = new ConcurrentHashMap<>();

    /** Logs a fault with its stack the first time it is seen, in one line after that. */
    void report(String where, Throwable fault) {
        String key = where.replaceAll("decision record \\S+", "decision record")
                + fault.getClass().getName();
        if (reported.add(key)) {
            log().error("ActionGate denied a call because of a fault ({}), failing closed", where, fault);
            return;
        }
        Repeats seen = repeats.computeIfAbsent(key, unused -> new Repeats());
        long now = System.nanoTime();
        long suppressed = seen.suppressed.incrementAndGet();
        long last = seen.lastLogged.get();
        if (now - last >= REPEAT_NANOS && seen.lastLogged.compareAndSet(last, now)) {
            seen.suppressed.addAndGet(-suppressed);
            log().error(
                            "ActionGate denied {} call(s) because of a fault ({}): {}",
                            suppressed,
                            where,
                            fault.toString());
        }
    }

    /** Logs a problem that denies governed calls the first time it is seen, and never again. */
    void reportOnce(String problem) {
        if (reported.add(problem)) {
            log().error("ActionGate denies governed calls: {}", problem);
        }
    }

    /** Looked up on first use so that creating the gate at start-up does not start logging. */
    private static Logger log() {
        return LoggerFactory.getLogger("actiongate");
    }

    /** How often a known fault was seen since it was last logged. */
    private static final class Repeats {
        private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - REPEAT_NANOS);
        private final AtomicLong suppressed = new AtomicLong();
    }
}
