package dev.actiongate.agent.records;

import dev.actiongate.agent.webhook.JsonPoster;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint trail at a webhook: every checkpoint is POSTed, as its JSON line, in order, from
 * a thread of its own. The records writer only queues it, so a slow, failing or unreachable
 * endpoint never holds a governed call, nor the writer.
 *
 * <p>Bounded: at most {@link #CAPACITY} checkpoints wait; when more come, the oldest waiting one is
 * dropped (the newest is the one that shows a cut). A failed attempt is retried with pauses that
 * double from {@link #FIRST_PAUSE} to {@link #LONGEST_PAUSE}, for as long as the log is open. An
 * outage is logged at ERROR when it starts and at most once a minute while it lasts, naming the
 * URL and how many checkpoints are not delivered; its end at WARN. A checkpoint dropped, or not
 * delivered when the log closes, is logged on {@link CheckpointTrail#LOGGER} instead, so that it
 * is not lost from every trail.
 */
final class CheckpointWebhook implements CheckpointTrail.Sink {

    static final int CAPACITY = 1_000;
    static final Duration FIRST_PAUSE = Duration.ofMillis(250);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);
    private static final long REPORT_EVERY = TimeUnit.MINUTES.toNanos(1);

    private static final Logger LOG = LoggerFactory.getLogger("actiongate");
    private static final Logger TRAIL = LoggerFactory.getLogger(CheckpointTrail.LOGGER);

    private final JsonPoster poster;
    private final int capacity;
    private final Duration firstPause;
    private final Duration longestPause;

    // Guarded by this.
    private final Deque<String> waiting = new ArrayDeque<>();
    /** The checkpoint being posted, or waiting for its retry; {@code null} when none. */
    private String inFlight;
    /** Whether the poster's thread is at work on the queue (posting, or pausing before a retry). */
    private boolean sending;

    private boolean closed;
    /** Failed attempts since the last delivery. */
    private int failures;
    /** Checkpoints dropped since the last delivery. */
    private long dropped;

    /** When an outage, and a full queue, were last logged (nanoseconds; 0: never). */
    private long reportedAt;

    private long fullReportedAt;

    CheckpointWebhook(URI uri) {
        this(uri, JsonPoster.TIMEOUT, CAPACITY, FIRST_PAUSE, LONGEST_PAUSE);
    }

    CheckpointWebhook(URI uri, Duration timeout, int capacity, Duration firstPause, Duration longestPause) {
        this.poster = new JsonPoster(uri, "actiongate-checkpoints", timeout);
        this.capacity = capacity;
        this.firstPause = firstPause;
        this.longestPause = longestPause;
    }

    @Override
    public void accept(String checkpoint) {
        String droppedNow = null;
        boolean firstDropped = false;
        boolean start = false;
        synchronized (this) {
            if (closed) {
                droppedNow = checkpoint;
            } else {
                if (undelivered() >= capacity && !waiting.isEmpty()) {
                    droppedNow = waiting.removeFirst();
                    dropped++;
                    long now = System.nanoTime();
                    firstDropped = fullReportedAt == 0 || now - fullReportedAt >= REPORT_EVERY;
                    fullReportedAt = firstDropped ? now : fullReportedAt;
                }
                waiting.addLast(checkpoint);
                start = !sending;
                sending = true;
            }
        }
        if (firstDropped) {
            LOG.warn(
                    "the queue of checkpoints for the checkpoint trail {} is full ({}): the oldest waiting ones are"
                            + " dropped, and logged on {} instead ({} since the last delivery)",
                    poster.uri(),
                    capacity,
                    CheckpointTrail.LOGGER,
                    droppedSince());
        }
        if (droppedNow != null) {
            TRAIL.warn("checkpoint {}", droppedNow);
        }
        if (start && !poster.later(Duration.ZERO, this::sendNext)) {
            synchronized (this) {
                sending = false;
            }
        }
    }

    /** On the poster's thread: posts the oldest waiting checkpoint, or ends the round when none waits. */
    private void sendNext() {
        String checkpoint;
        synchronized (this) {
            if (!closed && inFlight == null) {
                inFlight = waiting.pollFirst();
            }
            checkpoint = closed ? null : inFlight;
            if (checkpoint == null) {
                sending = false;
                notifyAll();
                return;
            }
        }
        // The outcome is handled in thenAccept; the future itself has nothing more to say.
        var unused = poster.post(checkpoint).thenAccept(this::posted);
    }

    private void posted(String problem) {
        if (problem == null) {
            delivered();
            sendNext();
            return;
        }
        Duration pause;
        String report = null;
        synchronized (this) {
            if (closed) {
                return;
            }
            failures++;
            pause = pause(failures);
            long now = System.nanoTime();
            if (failures == 1 || now - reportedAt >= REPORT_EVERY) {
                reportedAt = now;
                report = failures == 1
                        ? "checkpoints cannot be delivered to the checkpoint trail " + poster.uri() + ": " + problem
                                + "; " + undelivered() + " not delivered yet, retried in " + text(pause)
                                + ", then with pauses growing to " + text(longestPause) + ". Until"
                                + " they arrive, the trail there cannot show records cut from the records file's end"
                        : "checkpoints still cannot be delivered to the checkpoint trail " + poster.uri() + " after "
                                + failures + " attempts: " + problem + "; " + undelivered() + " not delivered, "
                                + dropped + " dropped (logged on " + CheckpointTrail.LOGGER + " instead)";
            }
            notifyAll();
        }
        if (report != null) {
            LOG.error(report);
        }
        poster.later(pause, this::sendNext);
    }

    private void delivered() {
        int failed;
        long lost;
        synchronized (this) {
            inFlight = null;
            failed = failures;
            lost = dropped;
            failures = 0;
            dropped = 0;
            notifyAll();
        }
        if (failed > 0) {
            LOG.warn(
                    "checkpoints are delivered to the checkpoint trail {} again, after {} failed attempts{}",
                    poster.uri(),
                    failed,
                    lost == 0
                            ? ""
                            : "; " + lost + " checkpoints were dropped meanwhile (logged on " + CheckpointTrail.LOGGER
                                    + " instead)");
        }
    }

    /** The pause before attempt {@code failures} + 1: doubling from the first pause to the longest. */
    private Duration pause(int failures) {
        long millis = firstPause.toMillis() << Math.min(failures - 1, 20);
        return Duration.ofMillis(Math.min(millis, longestPause.toMillis()));
    }

    private synchronized long droppedSince() {
        return dropped;
    }

    private static String text(Duration pause) {
        return pause.toMillis() < 1000 ? pause.toMillis() + " ms" : pause.toSeconds() + " s";
    }

    /** How many checkpoints wait to be delivered. */
    synchronized int undelivered() {
        return waiting.size() + (inFlight == null ? 0 : 1);
    }

    /**
     * Waits, up to {@code within}, for the checkpoints taken so far to be delivered, while the
     * endpoint takes them: an endpoint that is failing is not waited for.
     */
    @Override
    public void awaitDelivered(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (this) {
            long left;
            while (undelivered() > 0 && failures == 0 && !closed && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Ends the poster's thread; checkpoints not delivered by now are logged on {@link CheckpointTrail#LOGGER}. */
    @Override
    public void close() {
        List<String> left = new ArrayList<>();
        synchronized (this) {
            closed = true;
            if (inFlight != null) {
                left.add(inFlight);
                inFlight = null;
            }
            left.addAll(waiting);
            waiting.clear();
            notifyAll();
        }
        poster.close();
        if (!left.isEmpty()) {
            LOG.error(
                    "{} not delivered to the checkpoint trail {} before the records were closed: the trail there"
                            + " ends at an earlier checkpoint; logged on {} instead",
                    left.size() == 1 ? "1 checkpoint was" : left.size() + " checkpoints were",
                    poster.uri(),
                    CheckpointTrail.LOGGER);
            left.forEach(checkpoint -> TRAIL.warn("checkpoint {}", checkpoint));
        }
    }
}
