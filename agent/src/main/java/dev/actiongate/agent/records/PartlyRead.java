package dev.actiongate.agent.records;

/**
 * A value that was converted only in part: an argument object whose properties are read when a
 * condition asks for them, or an argument the conversion cut (a cycle, too deep, past its
 * budget). A record (and an approval's digest) shows what was read, never reads more: reading is
 * what can be slow, endless or have side effects.
 */
public interface PartlyRead {

    /**
     * What was read, as plain values: an object's type under {@code @type} and its fields read so
     * far, by name; or a cut list's items before the cut and a marker; or the marker alone.
     */
    Object readSoFar();
}
