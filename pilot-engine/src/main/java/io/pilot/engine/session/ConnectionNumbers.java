package io.pilot.engine.session;

import java.nio.ByteBuffer;

/**
 * Connection numbers on the wire: unsigned 48-bit big-endian. They only grow, by one per new connection
 * between two nodes, and a node entering a pair states the highest it has used with anyone, so numbers
 * spread across a fleet and outlive restarts of single nodes: 48 bits last millennia at thousands of new
 * connections a second, where 32 would wrap in weeks.
 */
final class ConnectionNumbers {

    static final int LENGTH = 6;
    static final long MAX = (1L << 48) - 1;
    /**
     * Numbers a peer may state or name: below this, so that the responder's one-above-both stays encodable. A peer
     * stating the top of the range would otherwise make the responder fail to write its confirmation, and everyone
     * it meets after it climb there too; 2^32 numbers of headroom still outlast any run.
     */
    static final long LIMIT = MAX - (1L << 32);

    private ConnectionNumbers() {
    }

    /** Writes {@code number} at the buffer's position, advancing it. */
    static void put(ByteBuffer buffer, long number) {
        if (number < 0 || number > MAX) {
            throw new IllegalArgumentException("connection number " + number + " is outside 0.." + MAX);
        }
        buffer.putShort((short) (number >>> 32)).putInt((int) number);
    }

    /** Whether a number a peer sent leaves room to grow ({@link #LIMIT}). */
    static boolean acceptable(long number) {
        return number >= 0 && number < LIMIT;
    }

    /** Reads a number at the buffer's position, advancing it. */
    static long get(ByteBuffer buffer) {
        return (buffer.getShort() & 0xFFFFL) << 32 | buffer.getInt() & 0xFFFFFFFFL;
    }
}
