package dev.actiongate.agent.records;

import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the gate puts its records, defined by what the gate needs: a decision record written
 * before the call goes on, an outcome record that may follow a moment later, and a name to put in
 * messages. The records file ({@link RecordLog}) is the default; a second store (a database the
 * replicas of a service share) implements the same three methods.
 */
public interface RecordSink {

    /**
     * Adds a record and returns once it is as safe as the sink promises (in the records file's
     * case: in the memory-mapped journal). Throws when it is not, and the caller denies the call
     * the record is about: no record, no action.
     *
     * @param written told the record's line once it is written, or {@code null}
     */
    void append(Map<String, ?> record, Consumer<String> written) throws IOException;

    /**
     * Adds a record that no decision waits for (the outcome of a call that already ran): it may
     * be written after this returns.
     *
     * @param written told the record's line once it is written, or {@code null}
     */
    void appendSoon(Map<String, ?> record, Consumer<String> written) throws IOException;

    /** Where the records go, for messages: a file's path, a database's address. */
    String describe();
}
