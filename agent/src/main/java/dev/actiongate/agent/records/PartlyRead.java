package dev.actiongate.agent.records;

import java.util.Map;

/**
 * A value that was converted only as far as something read it: an argument object whose
 * properties are read when a condition asks for them. A record (and an approval's digest) shows
 * what was read, never reads more: reading is what can be slow or have side effects.
 */
public interface PartlyRead {

    /** The value's type under {@code @type}, and its fields read so far, by name. */
    Map<String, Object> readSoFar();
}
