package dev.actiongate.agent.records;

import java.nio.ByteBuffer;

/**
 * Where the records a log wrote last are kept until it knows they are in a records file someone
 * can read: the journal when there is one, else a ring in memory. Positions count bytes ever put.
 * One producer at a time (the holder of the records lock) puts whole lines.
 */
interface LineRing {

    /** Bytes ever put. */
    long end();

    /** Room left for {@link #put} when everything up to {@code kept} may be overwritten. */
    long room(long kept);

    /** Appends whole lines; the caller has made sure there is {@link #room} for them. */
    void put(ByteBuffer lines);

    /** Copies bytes {@code from} to {@code to} (as counted by {@link #end}) into {@code into}, which has room. */
    void copy(long from, long to, byte[] into);
}
