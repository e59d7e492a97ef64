package io.pilot.engine.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * Loss detection and probe timeout per RFC 9002 section 6 and appendix A, for one packet number space.
 *
 * <p>A packet is lost once a later packet is acknowledged and either three newer packets have been acknowledged
 * (packet threshold) or it was sent more than 9/8 of max(SRTT, latest RTT) before now (time threshold). When nothing
 * can be declared lost yet but ack-eliciting packets are outstanding, the probe timer (PTO) fires after
 * {@code SRTT + max(4*RTTVAR, G) + max_ack_delay}, doubled for each consecutive PTO, and asks for probe packets. The
 * max_ack_delay is left out when the last ack-eliciting packet sent asked for an immediate acknowledgement (a PING,
 * which the peer acknowledges at once): if it arrived, its ACK covers everything received before it and is not
 * delayed, so the timer need not wait for the peer's delayed-ACK alarm.
 *
 * <p>A packet sent more than {@link RttEstimator#STALE_AFTER_NANOS} after the last round-trip sample (an idle
 * connection's next request, a keepalive) waits at least the stale probe timeout (200 ms by default) before its first
 * probe: the estimate was made when the peer answered at once, and a peer that has since fallen behind (a backbone
 * whose socket queue holds the datagrams of tens of thousands of clients) answers hundreds of times later. Probing
 * at the idle estimate then sent each heartbeat's request a dozen times over (PTO 11 ms, doubling, against a queue
 * of 400 ms), and those probes were what kept the backbone's queue full: docs/benchmarks.md section 5b. Whether the
 * floor applies is decided for the packet that the first probe timeout of a run of them follows, and holds until an
 * ACK ends the run: decided again for each probe, the probes themselves (sent a second after the last sample once
 * the backoff had grown) switched the floor on halfway and multiplied it by the backoff reached, so a probe due
 * 1.4 s later was put off by 13 s, past the unresponsive timeout (a relayed session moving to WebSocket lost its
 * call that way: PROTOCOL.md section 5.6).
 *
 * <p>Persistent congestion is decided conservatively: the newest and oldest lost packet of one detection round must
 * be further apart than three PTO periods, both sent after the first RTT sample, with no packet sent in between
 * acknowledged by this ACK and nothing sent at or after the oldest one acknowledged before.
 */
final class LossDetector {

    /** Frame-level consequences of ACKs and losses. */
    interface Listener {
        void onPacketAcked(SentPacket packet);

        void onPacketLost(SentPacket packet);
    }

    static final int PACKET_THRESHOLD = 3;
    private static final int MAX_BACKOFF_SHIFT = 16;

    private final SentPacketTracker sent = new SentPacketTracker();
    private final List<SentPacket> newlyAcked = new ArrayList<>();
    private final List<SentPacket> lost = new ArrayList<>();
    private final RttEstimator rtt;
    private final CongestionController congestion;
    private final Listener listener;
    private final long maxAckDelayNanos;
    private final long staleProbeTimeoutNanos;
    private long largestAcked = -1;
    private long newestAckedSentNanos = Long.MIN_VALUE;
    private long firstSampleNanos = Long.MAX_VALUE;
    /** When the last round-trip sample was taken. */
    private long lastSampleNanos = Long.MIN_VALUE;
    private long lastAckElicitingSentNanos;
    /** Whether the peer may hold its ACK of the last ack-eliciting packet sent for up to its max_ack_delay. */
    private boolean lastAckMayBeDelayed = true;
    private long lossTimeNanos = Long.MAX_VALUE;
    private int ptoCount;
    /** Whether the run of probe timeouts under way started from a stale estimate (see the class comment). */
    private boolean probingFromStale;
    private long bytesInFlight;
    private long lostPackets;

    LossDetector(RttEstimator rtt, CongestionController congestion, long maxAckDelayNanos, long staleProbeTimeoutNanos,
            Listener listener) {
        this.staleProbeTimeoutNanos = staleProbeTimeoutNanos;
        this.rtt = rtt;
        this.congestion = congestion;
        this.maxAckDelayNanos = maxAckDelayNanos;
        this.listener = listener;
    }

    long bytesInFlight() {
        return bytesInFlight;
    }

    long lostPackets() {
        return lostPackets;
    }

    /** @param asksImmediateAck whether the packet carries a PING, which the peer acknowledges without delay */
    void onPacketSent(SentPacket packet, boolean asksImmediateAck) {
        sent.add(packet);
        bytesInFlight += packet.size;
        lastAckElicitingSentNanos = packet.sentNanos;
        lastAckMayBeDelayed = !asksImmediateAck;
        congestion.onPacketSent(packet, bytesInFlight, packet.sentNanos);
    }

    /** Processes a validated ACK frame (its largest was sent by us). */
    void onAck(Frame.Ack ack, long nowNanos) {
        largestAcked = Math.max(largestAcked, ack.largest());
        long ackedBefore = newestAckedSentNanos;
        boolean appLimited = bytesInFlight < congestion.window() / 2;
        long[] ranges = ack.ranges();
        SentPacket largestNewly = null;
        for (int i = 0; i < ranges.length; i += 2) {
            long high = Math.min(ranges[i], sent.endPacketNumber() - 1);
            long low = Math.max(ranges[i + 1], sent.firstPacketNumber());
            for (long pn = high; pn >= low; pn--) {
                SentPacket packet = sent.remove(pn);
                if (packet != null) {
                    newlyAcked.add(packet);
                    bytesInFlight -= packet.size;
                    newestAckedSentNanos = Math.max(newestAckedSentNanos, packet.sentNanos);
                    if (largestNewly == null || pn > largestNewly.packetNumber) {
                        largestNewly = packet;
                    }
                }
            }
        }
        if (largestNewly == null) {
            return;
        }
        if (largestNewly.packetNumber == ack.largest()) {
            if (!rtt.hasSample()) {
                firstSampleNanos = nowNanos;
            }
            rtt.onSample(nowNanos - largestNewly.sentNanos, Math.min(ack.ackDelayMicros() * 1000, maxAckDelayNanos));
            lastSampleNanos = nowNanos;
        }
        detectLoss(nowNanos, ackedBefore);
        for (SentPacket packet : newlyAcked) {
            congestion.onPacketAcked(packet, nowNanos, appLimited);
            listener.onPacketAcked(packet);
        }
        newlyAcked.clear();
        congestion.onAckProcessed(nowNanos, bytesInFlight);
        ptoCount = 0;
    }

    /** Time of the loss or probe timer, or {@link Long#MAX_VALUE}. */
    long deadline() {
        if (lossTimeNanos != Long.MAX_VALUE) {
            return lossTimeNanos;
        }
        if (sent.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long pto = rtt.pto(lastAckMayBeDelayed);
        if (ptoCount == 0 ? staleEstimate() : probingFromStale) {
            pto = Math.max(pto, staleProbeTimeoutNanos);
        }
        return lastAckElicitingSentNanos + (pto << Math.min(ptoCount, MAX_BACKOFF_SHIFT));
    }

    /** Whether the last ack-eliciting packet went out more than a second after the last round-trip sample. */
    private boolean staleEstimate() {
        return lastSampleNanos != Long.MIN_VALUE
                && lastAckElicitingSentNanos - lastSampleNanos > RttEstimator.STALE_AFTER_NANOS;
    }

    /**
     * Runs an expired timer.
     *
     * @return true if the probe timer fired and the caller must send probe packets
     */
    boolean onTimeout(long nowNanos) {
        long deadline = deadline();
        if (nowNanos < deadline) {
            return false;
        }
        if (lossTimeNanos != Long.MAX_VALUE) {
            detectLoss(nowNanos, newestAckedSentNanos);
            return false;
        }
        if (ptoCount == 0) {
            probingFromStale = staleEstimate();
        }
        ptoCount++;
        return true;
    }

    private void detectLoss(long nowNanos, long ackedBefore) {
        lossTimeNanos = Long.MAX_VALUE;
        if (largestAcked < 0) {
            return;
        }
        long lossDelay = rtt.lossDelay();
        long lostSentBefore = nowNanos - lossDelay;
        long end = Math.min(largestAcked, sent.endPacketNumber() - 1);
        for (long pn = sent.firstPacketNumber(); pn <= end; pn++) {
            SentPacket packet = sent.get(pn);
            if (packet == null) {
                continue;
            }
            if (packet.sentNanos - lostSentBefore <= 0 || largestAcked >= pn + PACKET_THRESHOLD) {
                sent.remove(pn);
                lost.add(packet);
            } else {
                lossTimeNanos = Math.min(lossTimeNanos, packet.sentNanos + lossDelay);
            }
        }
        if (lost.isEmpty()) {
            return;
        }
        SentPacket oldest = lost.get(0);
        SentPacket newest = lost.get(lost.size() - 1);
        for (SentPacket packet : lost) {
            bytesInFlight -= packet.size;
            lostPackets++;
            congestion.onPacketLost(packet);
        }
        congestion.onCongestionEvent(newest.sentNanos, nowNanos);
        if (isPersistentCongestion(oldest.sentNanos, newest.sentNanos, ackedBefore)) {
            congestion.onPersistentCongestion();
        }
        for (SentPacket packet : lost) {
            listener.onPacketLost(packet);
        }
        lost.clear();
    }

    private boolean isPersistentCongestion(long oldestSent, long newestSent, long ackedBefore) {
        if (!rtt.hasSample() || oldestSent - firstSampleNanos <= 0 || ackedBefore - oldestSent >= 0) {
            return false;
        }
        long duration = (rtt.smoothed() + Math.max(4 * rtt.variance(), RttEstimator.GRANULARITY_NANOS)
                + maxAckDelayNanos) * 3;
        if (newestSent - oldestSent <= duration) {
            return false;
        }
        for (SentPacket packet : newlyAcked) {
            if (packet.sentNanos - oldestSent >= 0 && newestSent - packet.sentNanos >= 0) {
                return false;
            }
        }
        return true;
    }
}
