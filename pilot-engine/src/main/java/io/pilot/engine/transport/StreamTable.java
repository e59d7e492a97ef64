package io.pilot.engine.transport;

import java.util.HashMap;
import java.util.Map;

/**
 * The live streams of one connection by id, and the bookkeeping of ids: the next id this side opens, every id the
 * peer ever used (so that a late frame for a freed stream does not open it again) and how many peer-opened streams
 * the application sees, which {@link TransportConfig#maxIncomingStreams()} bounds. A stream leaves the table, and
 * its slot is free again, once both of its directions are done.
 */
final class StreamTable {

    /**
     * How many disjoint ranges the peer's stream ids may form. A peer opens ids in order, so only reordering leaves
     * gaps; thousands of them mean a peer skipping ids to grow the set of ids seen.
     */
    static final int MAX_STREAM_ID_GAPS = 4096;

    private final Connection connection;
    private final boolean evenStreamIds;
    private final int maxIncomingStreams;
    private final Map<Integer, Stream> streams = new HashMap<>();
    /** Peer stream ids ever seen, as indexes {@code id >>> 1}. */
    private final RangeSet peerStreamsSeen = new RangeSet();
    private int nextLocalStreamId;
    private int incomingStreams;

    /**
     * @param evenStreamIds true if this side opens even stream ids
     */
    StreamTable(Connection connection, boolean evenStreamIds, int maxIncomingStreams) {
        this.connection = connection;
        this.evenStreamIds = evenStreamIds;
        this.maxIncomingStreams = maxIncomingStreams;
        this.nextLocalStreamId = evenStreamIds ? 0 : 1;
    }

    /**
     * Opens the next stream of this side's parity.
     *
     * @throws IllegalStateException if stream ids are exhausted
     */
    Stream openLocal(int port) {
        if (nextLocalStreamId < 0) {
            throw new IllegalStateException("stream ids exhausted");
        }
        Stream stream = new Stream(connection, nextLocalStreamId, port);
        nextLocalStreamId += 2;
        streams.put(stream.id(), stream);
        return stream;
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

    /** An id of this side's parity that was never opened here, which the peer therefore cannot know. */
    boolean isUnopenedLocal(int id) {
        return isLocal(id) && id >= nextLocalStreamId;
    }

    /** Records a peer id that has no live stream; false if it was seen before (its stream was freed since). */
    boolean firstSightOfPeerId(int id) {
        int index = id >>> 1;
        if (peerStreamsSeen.contains(index)) {
            return false;
        }
        peerStreamsSeen.add(index, index + 1L);
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
        }
    }

    /** Frees every stream at once, when the connection closes. */
    void freeAll() {
        for (Stream s : streams.values()) {
            s.freed = true;
        }
        streams.clear();
    }
}
