package dev.actiongate.agent.records;

import java.io.Closeable;
import java.io.IOException;

/** Closing a file this log no longer writes, where a failure to close changes nothing. */
final class Quietly {

    private Quietly() {}

    static void close(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException ignored) {
                // a file this log no longer writes
            }
        }
    }
}
