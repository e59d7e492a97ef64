package io.pilot.engine.transport;

import java.util.HashMap;
import java.util.Map;

/**
 * The live streams of one connection by id, and the bookkeeping of ids: the next id this side opens, the peer's ids
 * seen lately (so that a late frame for a freed stream does not open it again) and how many peer-opened streams the
 * application sees, which {@link TransportConfig#maxIncomingStreams()} bounds. A stream leaves the table, and its slot
 * is free again, once both of its directions are done.
 *
 * <p><b>Ids wrap around.</b> A side's ids are {@code 2 * index + parity} for an index below {@link #ID_INDEXES} (2^30,
 * so every id is below 2^31 as the wire requires), and a connection kept alive for days opens more streams than that
 * (10,000 requests a second use them up in 30 hours). So indexes count on past the end of the id space and an id is
 * their remainder: after the last id a side opens its first again, skipping any id whose stream is still live (a
 * long-lived stream keeps its id). A side reads a peer id it has no live stream for as the index nearest to where it
 * expects one, as QUIC reads truncated packet numbers (RFC 9000, appendix A.3): within half the id space after the
 * newest it has seen, a new stream; within half before it, a late frame for a freed stream unless it was never seen
 * (reordering). That places every stream freed before half the space was opened after it. One that lived longer (a
 * subscription open for hours while calls come and go) the window cannot place, so its id rests when it is freed:
 * for {@code quarantineNanos} on the side that opened it (not opened again meanwhile), half that on the other (its
 * frames are late meanwhile); no late frame outlives the unresponsive timeout, after which the connection closes.
 * This side's own id reads as unopened only before its ids first wrapped; after, every id was opened once, and a
 * frame for one with no live stream is a late one.
 */
final class StreamTable {

    /** How many ids each side has: its ids are {@code 2 * index + parity}, all below 2^31. */
    static final int ID_INDEXES = 1 << 30;

    /**
     * How many disjoint ranges the peer's stream ids may form. A peer opens ids in order, so only reordering (or
     * skipping its own long-lived streams after a wrap) leaves gaps; thousands of them mean a peer skipping ids to
     * grow the set of ids seen.
     */
    static final int MAX_STREAM_ID_GAPS = 4096;

    private final Connection connection;
    private final boolean evenStreamIds;
    private final int maxIncomingStreams;
    /** {@link #ID_INDEXES}, or fewer in tests, so that they can wrap the ids around; a power of two. */
    private final int idIndexes;
    private final long quarantineNanos;
    private final Map<Integer, Stream> streams = new HashMap<>();
    /** Ids of this side's long-lived streams lately freed, not opened again while they rest. */
    private final Map<Integer, Rest> quarantined = new HashMap<>();
    /** Ids of the peer's long-lived streams lately freed, whose frames are late while they rest. */
    private final Map<Integer, Rest> lateFrames = new HashMap<>();
    /** Peer streams seen within half the id space of the newest, as indexes counted on past wraps. */
    private final RangeSet peerStreamsSeen = new RangeSet();
    /** The index of the next stream this side opens, counted on past wraps. */
    private long nextLocalIndex;
    /** The newest index of a peer stream seen, counted on past wraps; -1 before the first. */
    private long newestPeerIndex = -1;
    private int incomingStreams;

    /**
     * @param evenStreamIds true if this side opens even stream ids
     */
    StreamTable(Connection connection, boolean evenStreamIds, int maxIncomingStreams) {
        this(connection, evenStreamIds, maxIncomingStreams, ID_INDEXES, 20_000_000_000L);
    }

    /**
     * @param idIndexes ids per side before they wrap: {@link #ID_INDEXES}, or a smaller power of two in tests
     * @param quarantineNanos how long the id of a long-lived stream rests after it is freed (twice the unresponsive
     *     timeout)
     */
    StreamTable(Connection connection, boolean evenStreamIds, int maxIncomingStreams, int idIndexes,
            long quarantineNanos) {
        if (idIndexes < 2 || idIndexes > ID_INDEXES || Integer.bitCount(idIndexes) != 1) {
            throw new IllegalArgumentException("id indexes must be a power of two in [2, 2^30]: " + idIndexes);
        }
        this.connection = connection;
        this.evenStreamIds = evenStreamIds;
        this.maxIncomingStreams = maxIncomingStreams;
        this.idIndexes = idIndexes;
        this.quarantineNanos = quarantineNanos;
    }

    /**
     * Opens the next stream of this side's parity: the next id in order, past the end of the id space its first
     * again, skipping ids whose streams are still live.
     */
    Stream openLocal(int port) {
        for (int tried = 0; tried < idIndexes; tried++) {
            long index = nextLocalIndex++;
            int id = idOf(index);
            if (streams.containsKey(id) || resting(quarantined, id, nextLocalIndex)) {
                continue;
            }
            Stream stream = new Stream(connection, id, port);
            stream.index = index;
            streams.put(id, stream);
            return stream;
        }
        throw new IllegalStateException("every stream id is in use or resting");
    }

    /**
     * An id's rest: until a time, or until the ids reach an index (the stream's next turn comes near), whichever
     * comes first.
     */
    private record Rest(long untilNanos, long untilIndex) {

        boolean over(long nowNanos, long index) {
            return nowNanos - untilNanos >= 0 || index >= untilIndex;
        }
    }

    /** Whether {@code id} rests in {@code rests} with the ids at {@code index}; forgets its rest once over. */
    private boolean resting(Map<Integer, Rest> rests, int id, long index) {
        Rest rest = rests.isEmpty() ? null : rests.get(id);
        if (rest == null) {
            return false;
        }
        if (!rest.over(connection.lastDrivenNanos(), index)) {
            return true;
        }
        rests.remove(id);
        return false;
    }

    private int idOf(long index) {
        return (int) (2 * (index & (idIndexes - 1))) + (evenStreamIds ? 0 : 1);
    }

    /**
     * The index counted on past wraps that {@code id}'s index stands for: the one nearest to {@code expected}, within
     * half the id space before or after it (RFC 9000, appendix A.3, for stream ids).
     */
    private long unwrap(int id, long expected) {
        long window = idIndexes;
        long half = window / 2;
        long candidate = (expected & ~(window - 1)) | (id >>> 1);
        if (candidate <= expected - half) {
            return candidate + window;
        }
        if (candidate > expected + half && candidate >= window) {
            return candidate - window;
        }
        return candidate;
    }

    /** The live stream with this id, or null. */
    Stream get(int id) {
        return streams.get(id);
    }

    int size() {
        return streams.size();
    }

    /** Whether this side opens streams with this id's parity. */
    boolean isLocal(int id) {
        return ((id & 1) == 0) == evenStreamIds;
    }

    /**
     * An id of this side's parity with no live stream (the caller looked) that was never opened here, which the peer
     * therefore cannot know: known only until the ids first wrap, after which every id was opened once.
     */
    boolean isUnopenedLocal(int id) {
        return isLocal(id) && nextLocalIndex < idIndexes && (id >>> 1) >= nextLocalIndex;
    }

    /**
     * Records a peer id that has no live stream; false if it was seen before (its stream was freed since). Ids seen
     * more than half the id space before the newest are forgotten: the peer may open them again.
     */
    boolean firstSightOfPeerId(int id) {
        if (resting(lateFrames, id, newestPeerIndex)) {
            return false;
        }
        long index = unwrap(id, newestPeerIndex + 1);
        if (peerStreamsSeen.contains(index)) {
            return false;
        }
        peerStreamsSeen.add(index, index + 1L);
        if (index > newestPeerIndex) {
            newestPeerIndex = index;
            long oldest = newestPeerIndex + 1 - idIndexes / 2;
            if (peerStreamsSeen.start(0) < oldest) {
                peerStreamsSeen.remove(peerStreamsSeen.start(0), oldest);
            }
        }
        return true;
    }

    /** Whether the peer's ids seen so far form more ranges than reordering alone could leave. */
    boolean tooManyPeerIdGaps() {
        return peerStreamsSeen.size() > MAX_STREAM_ID_GAPS;
    }

    /** Whether as many peer-opened streams as allowed are visible to the application. */
    boolean atIncomingLimit() {
        return incomingStreams >= maxIncomingStreams;
    }

    /** Adds a stream the peer opened; it takes an incoming slot until it is freed. */
    Stream addPeerStream(int id, int port) {
        Stream stream = new Stream(connection, id, port);
        stream.index = unwrap(id, newestPeerIndex + 1);
        streams.put(id, stream);
        incomingStreams++;
        return stream;
    }

    /** Frees the stream if both of its directions are done. */
    void freeIfDone(Stream s) {
        if (!s.freed && s.isSendFinished() && s.receive.isFinished()) {
            s.freed = true;
            streams.remove(s.id());
            if (!isLocal(s.id())) {
                incomingStreams--;
            }
            restIfLongLived(s);
        }
    }

    /**
     * A stream freed after a quarter of the id space was opened past it has outlived what the window places surely:
     * its id rests (see the class comment). A quarter, not a half, so that it rests before the window could misread it.
     */
    private void restIfLongLived(Stream s) {
        if (isLocal(s.id())) {
            if (nextLocalIndex - s.index >= idIndexes / 4) {
                rest(quarantined, s.id(), quarantineNanos, Long.MAX_VALUE, nextLocalIndex);
            }
        } else if (newestPeerIndex - s.index >= idIndexes / 4) {
            // Late until half the opener's rest, or until the peer's ids come within an eighth of the space of the
            // stream's next turn (it may be opened again then).
            rest(lateFrames, s.id(), quarantineNanos / 2, s.index + idIndexes - idIndexes / 8, newestPeerIndex);
        }
    }

    /** Sets {@code id} resting, first forgetting the rests over once there are many. */
    private void rest(Map<Integer, Rest> rests, int id, long forNanos, long untilIndex, long index) {
        long now = connection.lastDrivenNanos();
        if (rests.size() >= MAX_STREAM_ID_GAPS) {
            rests.values().removeIf(rest -> rest.over(now, index));
        }
        rests.put(id, new Rest(now + forNanos, untilIndex));
    }

    /** Frees every stream at once, when the connection closes. */
    void freeAll() {
        for (Stream s : streams.values()) {
            s.freed = true;
        }
        streams.clear();
    }
}
