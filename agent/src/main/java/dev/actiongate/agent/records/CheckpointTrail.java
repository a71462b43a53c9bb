package dev.actiongate.agent.records;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where checkpoints go besides the records file: somewhere its writer cannot rewrite silently,
 * so that records cut from the file's end after the last checkpoint the trail knows are missed
 * by {@code verify --checkpoints}. The log (logger {@code actiongate.checkpoints}, which the
 * platform collects apart from the records file), a file of its own, or a webhook that each
 * checkpoint is POSTed to ({@link CheckpointWebhook}).
 */
public final class CheckpointTrail {

    /** The logger checkpoints go to: every line is {@code checkpoint <the checkpoint record>}. */
    public static final String LOGGER = "actiongate.checkpoints";

    private static final Logger LOG = LoggerFactory.getLogger("actiongate");

    private CheckpointTrail() {}

    /**
     * The checkpoints of the key {@code fingerprint} in the trail {@code file}, hash by epoch: any
     * file whose lines end in a checkpoint record (the trail file, or a log that holds the
     * {@link #LOGGER} lines); other lines are skipped.
     */
    public static NavigableMap<Long, String> read(Path file, String fingerprint) throws IOException {
        NavigableMap<Long, String> checkpoints = new TreeMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                collect(line, fingerprint, checkpoints);
            }
        }
        return checkpoints;
    }

    /**
     * Adds the checkpoint {@code line} ends in to {@code checkpoints} (hash by epoch) when it is
     * one of the key {@code fingerprint}; any other line is skipped.
     */
    public static void collect(String line, String fingerprint, NavigableMap<Long, String> checkpoints) {
        int start = line.indexOf('{');
        if (start < 0 || !line.contains("\"kind\":\"checkpoint\"")) {
            return;
        }
        Map<String, Object> checkpoint;
        try {
            checkpoint = CanonicalJson.parse(line.substring(start));
        } catch (IOException notOne) {
            return;
        }
        if (fingerprint.equals(checkpoint.get("key_fingerprint"))
                && checkpoint.get("epoch") instanceof Number epoch
                && checkpoint.get("hash") instanceof String hash) {
            checkpoints.put(epoch.longValue(), hash);
        }
    }

    /**
     * Where the records writer hands each checkpoint. {@link #accept} runs on that writer, after
     * the checkpoint is in the records file, and must not block; a trail that delivers later says
     * how it ends in the other two.
     */
    @FunctionalInterface
    public interface Sink {

        /** Takes one checkpoint line (its JSON, without a line end). */
        void accept(String checkpoint);

        /** Lets the checkpoints taken so far reach the trail, waiting at most {@code within}: when the log closes. */
        default void awaitDelivered(Duration within) {}

        /** Releases what the trail holds (a thread); checkpoints taken after this still go somewhere. */
        default void close() {}
    }

    /** The trail to the log: logger {@link #LOGGER}, one INFO line {@code checkpoint <the checkpoint>} each. */
    public static Sink toLog() {
        Logger trail = LoggerFactory.getLogger(LOGGER);
        return line -> trail.info("checkpoint {}", line);
    }

    /**
     * The trail to a webhook: each checkpoint POSTed to {@code url} as its JSON line, from a thread
     * of its own, in order, retried while it fails (see {@link CheckpointWebhook}).
     */
    public static Sink toWebhook(URI url) {
        return new CheckpointWebhook(url);
    }

    /** The trail to {@code file}, appended one line per checkpoint; the log when {@code null}. */
    public static Sink to(Path file) {
        if (file == null) {
            return toLog();
        }
        return line -> {
            try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                LOG.error("a checkpoint could not be added to the checkpoint trail {}: {}; it was: {}", file, e, line);
            }
        };
    }
}
