package io.pilot.engine.transport;

/**
 * Immutable snapshot of a connection's counters; see {@link Connection#stats()}.
 *
 * @param packetsSent          packets returned by {@code poll}
 * @param bytesSent            payload bytes returned by {@code poll}
 * @param packetsReceived      packets accepted by {@code receive} (excluding dropped ones)
 * @param bytesReceived        payload bytes of accepted packets
 * @param retransmittedPackets packets that carried at least one retransmitted STREAM range
 * @param lostPackets          packets declared lost
 * @param smoothedRttNanos     SRTT (initial RTT until the first sample)
 * @param rttVarianceNanos     RTTVAR
 * @param minRttNanos          minimum RTT seen, 0 before the first sample
 * @param congestionWindow     bytes
 * @param bytesInFlight        bytes of ack-eliciting packets neither acknowledged nor declared lost
 * @param malformedPackets     packets dropped because they did not parse
 * @param duplicatePackets     packets dropped because their packet number was already seen or is too old
 * @param droppedPackets       packets dropped because the connection was already closed
 * @param liveStreams          streams still holding state
 * @param reassemblyBytes      bytes received ahead of a gap and held until the gap is filled, all streams together
 * @param reassemblySegments   the separate buffers holding them
 * @param unacknowledgedPackets packets accepted but left unacknowledged because stream data in them found no room
 *                             for reassembly ({@link TransportConfig#maxReassemblySegments()}); the peer resends them
 * @param congestionControl    the congestion controller this side runs
 * @param pacingRate           bytes per second the pacer lets out now (0: not paced)
 * @param maxPacketPayload     the largest packet payload sent now: the base, or what the path MTU search found
 * @param probeTimeouts        times the probe timer fired (RFC 9002 PTO): each sent probes for packets that neither
 *                             an ACK nor the loss timer had resolved in time
 * @param belowFloorTrials     times the sender, its window at the floor, slowed to half its delivery rate to learn
 *                             whether its loss was its own doing (a policer below the floor's rate; {@code
 *                             BelowFloorPacing})
 * @param belowFloorCaps       trials that found it was, after which the sender was paced below its window's floor
 */
public record ConnectionStats(
        long packetsSent,
        long bytesSent,
        long packetsReceived,
        long bytesReceived,
        long retransmittedPackets,
        long lostPackets,
        long smoothedRttNanos,
        long rttVarianceNanos,
        long minRttNanos,
        long congestionWindow,
        long bytesInFlight,
        long malformedPackets,
        long duplicatePackets,
        long droppedPackets,
        int liveStreams,
        long reassemblyBytes,
        int reassemblySegments,
        long unacknowledgedPackets,
        CongestionControl congestionControl,
        long pacingRate,
        int maxPacketPayload,
        long probeTimeouts,
        long belowFloorTrials,
        long belowFloorCaps) {
}
