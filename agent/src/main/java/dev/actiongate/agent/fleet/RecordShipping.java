package dev.actiongate.agent.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.actiongate.agent.records.CanonicalJson;
import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships this instance's decision records to the fleet's {@code decision_records} table: after
 * they are on local disk (the file stays the first durable copy), in order, whole lines only,
 * each line once. Where to go on is read from the table itself (the last line it has of this
 * file's chain), so shipping resumes after an outage or a restart without losing or repeating
 * a line; while the database is down the records wait in the file.
 */
final class RecordShipping implements Closeable {

    /** Lines per transaction: big enough to catch up after an outage, small enough to commit quickly. */
    private static final int BATCH = 500;

    private final FleetDatabase database;
    private final Path file;
    private final String service;
    private final String instance;
    private final Thread thread;
    private volatile boolean closed;

    /** Where shipping stands in the file: its chain, the lines shipped and the offset after them. */
    private record Position(String chain, long lines, long offset) {}

    RecordShipping(FleetDatabase database, Path file, String service, String instance) {
        this.database = database;
        this.file = file;
        this.service = service;
        this.instance = instance;
        this.thread = new Thread(this::shipForever, "actiongate-fleet-records");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
        Runtime.getRuntime().addShutdownHook(finalShipping);
    }

    /** At exit, the records written as the JVM stops (its closing checkpoint) are shipped too. */
    private final Thread finalShipping = new Thread(() -> drain(3_000), "actiongate-fleet-records-final");

    /**
     * Ships until the file has stopped growing for a moment, for at most {@code limitMillis}: the
     * records' own shutdown flush runs beside this, and an instance that never starts again must
     * not leave its last lines only on its disk.
     */
    private void drain(long limitMillis) {
        long deadline = System.nanoTime() + limitMillis * 1_000_000;
        try {
            Position position = resume();
            long quietSince = System.nanoTime();
            while (position != null && System.nanoTime() < deadline) {
                Position shipped = shipSome(position);
                if (shipped.lines() != position.lines()) {
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > 300_000_000L) {
                    return;
                } else {
                    Thread.sleep(50);
                }
                position = shipped;
            }
        } catch (IOException | RuntimeException e) {
            log().warn(
                            "the last decision records of {} were not shipped at exit ({}); they are at the next start",
                            file,
                            e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shipForever() {
        Position position = null;
        boolean failing = false;
        while (!closed) {
            try {
                if (position == null || !sameChain(position)) {
                    position = resume();
                }
                if (position != null) {
                    Position shipped = shipSome(position);
                    if (shipped.lines() == position.lines() && !closed) {
                        Thread.sleep(250);
                    }
                    position = shipped;
                } else {
                    Thread.sleep(250);
                }
                if (failing) {
                    log().info("decision records reach {} again", database.describe());
                    failing = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!failing) {
                    log().warn(
                                    "decision records of {} cannot be shipped to {} ({}); they wait in the file and are"
                                            + " shipped when it can be reached",
                                    file,
                                    database.describe(),
                                    e.getMessage());
                    failing = true;
                }
                position = null;
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Where to go on: after the last line of this file's chain the table has; {@code null} before the file has a record. */
    private Position resume() throws IOException {
        String chain = chainOf();
        if (chain == null) {
            return null;
        }
        long shipped = database.inTransaction("reading how far records were shipped", c -> {
            try (PreparedStatement last =
                    c.prepareStatement("SELECT coalesce(max(seq), 0) FROM decision_records WHERE chain = ?")) {
                last.setString(1, chain);
                try (ResultSet result = last.executeQuery()) {
                    result.next();
                    return result.getLong(1);
                }
            }
        });
        return new Position(chain, shipped, offsetAfter(shipped));
    }

    /** The byte offset after the first {@code lines} lines of the file. */
    private long offsetAfter(long lines) throws IOException {
        long offset = 0;
        long seen = 0;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] buffer = new byte[65_536];
            int read;
            while (seen < lines && (read = in.read(buffer)) > 0) {
                for (int i = 0; i < read && seen < lines; i++) {
                    if (buffer[i] == '\n') {
                        seen++;
                        offset = in.getFilePointer() - read + i + 1;
                    }
                }
            }
        }
        if (seen < lines) {
            throw new IOException("the table has " + lines + " lines of " + file + " but the file has only " + seen
                    + ": the file was cut or replaced; verify --store reports what differs");
        }
        return offset;
    }

    /** The chain the file holds now: its first record's hash, or {@code null} while it has none. */
    private String chainOf() throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String first;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            first = in.readLine();
        }
        if (first == null || first.isEmpty()) {
            return null;
        }
        Object hash = parse(first).get("hash");
        return hash == null ? null : hash.toString();
    }

    private boolean sameChain(Position position) throws IOException {
        return position.chain().equals(chainOf());
    }

    /** Ships up to {@link #BATCH} whole lines after {@code position}, in one transaction. */
    private Position shipSome(Position position) throws IOException {
        List<String> lines = new ArrayList<>();
        long offset = position.offset();
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length < offset) {
                throw new IOException(file + " is shorter (" + length + " bytes) than the " + offset
                        + " bytes already shipped: it was cut or replaced; shipping starts again from what the"
                        + " table holds of the chain it has now");
            }
            in.seek(offset);
            byte[] rest = new byte[(int) Math.min(length - offset, 4L << 20)];
            in.readFully(rest);
            int start = 0;
            for (int i = 0; i < rest.length && lines.size() < BATCH; i++) {
                if (rest[i] == '\n') {
                    lines.add(new String(rest, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            offset += start;
        }
        if (lines.isEmpty()) {
            return position;
        }
        database.inTransaction("shipping decision records", c -> {
            insert(c, position, lines);
            return null;
        });
        return new Position(position.chain(), position.lines() + lines.size(), offset);
    }

    private void insert(Connection connection, Position position, List<String> lines) throws SQLException, IOException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO decision_records"
                + " (chain, seq, service, instance, kind, decision_id, action, verdict, actor, tenant, at, hash, line)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chain, seq) DO NOTHING")) {
            long seq = position.lines();
            for (String line : lines) {
                Map<String, Object> record = parse(line);
                insert.setString(1, position.chain());
                insert.setLong(2, ++seq);
                insert.setString(3, service);
                insert.setString(4, instance);
                insert.setString(5, text(record.get("kind")));
                insert.setString(6, text(record.get("decision_id")));
                insert.setString(7, text(record.get("action")));
                insert.setString(8, text(record.get("verdict")));
                insert.setString(9, text(record.get("actor")));
                insert.setString(10, text(record.get("tenant")));
                insert.setTimestamp(11, time(record.get("timestamp")));
                insert.setString(12, String.valueOf(record.get("hash")));
                insert.setString(13, line);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static Map<String, Object> parse(String line) throws IOException {
        try {
            return CanonicalJson.parse(line);
        } catch (JsonProcessingException e) {
            throw new IOException("a line of the records file is not a record: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static Timestamp time(Object value) {
        try {
            return value == null ? null : Timestamp.from(Instant.parse(value.toString()));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            Runtime.getRuntime().removeShutdownHook(finalShipping);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: it ships what is left
        }
    }

    private static Logger log() {
        return LoggerFactory.getLogger("actiongate");
    }
}
