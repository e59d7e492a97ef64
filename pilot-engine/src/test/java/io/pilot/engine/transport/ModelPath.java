package io.pilot.engine.transport;

import java.util.ArrayDeque;
import java.util.Random;

/**
 * A single-bottleneck path for driving one {@link CongestionController} alone, on a virtual clock: packets leave
 * when the window and the pacer allow, queue at a bottleneck of fixed rate, and are acknowledged one propagation
 * RTT after the bottleneck lets them through; lost ones (random, seeded) are reported lost at that time instead.
 * First in, first out at the bottleneck, so ACKs come back in order.
 */
final class ModelPath {

    static final int MSS = 1200;

    private record InFlight(SentPacket packet, long arrivalNanos, boolean lost) {
    }

    private final CongestionController cc;
    private final long rttNanos;
    private final double bytesPerNano;
    private final Random random;
    private final Pacer pacer;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    double lossRate;
    /** When positive, every n-th packet is lost besides the random loss. */
    int dropEvery;
    private long sent;
    /** When set, the application offers one packet per RTT only. */
    boolean applicationLimited;
    long now = 1_000_000_000L;
    long bytesInFlight;
    long deliveredBytes;
    long lostPackets;
    /** Longest time a packet waited in the bottleneck's queue since {@link #resetQueueMax()}. */
    long maxQueueNanos;
    private long busyUntil;
    private long lastApplicationSend = Long.MIN_VALUE;

    ModelPath(CongestionController cc, long rttNanos, double bytesPerNano, long seed) {
        this.cc = cc;
        this.rttNanos = rttNanos;
        this.bytesPerNano = bytesPerNano;
        this.random = new Random(seed);
        this.pacer = new Pacer(10, MSS, now);
    }

    void resetQueueMax() {
        maxQueueNanos = 0;
    }

    /** Runs the path for {@code nanos} of virtual time. */
    void run(long nanos) {
        long end = now + nanos;
        while (now < end) {
            sendWhatIsAllowed();
            long next = end;
            if (!inFlight.isEmpty()) {
                next = Math.min(next, inFlight.peekFirst().arrivalNanos());
            }
            long release = nextSendTime();
            if (release > now) {
                next = Math.min(next, release);
            }
            now = Math.max(now + 1, next);
            while (!inFlight.isEmpty() && inFlight.peekFirst().arrivalNanos() <= now) {
                arrive(inFlight.pollFirst());
            }
        }
    }

    private long nextSendTime() {
        if (bytesInFlight + MSS > cc.window()) {
            return Long.MAX_VALUE;
        }
        if (applicationLimited) {
            return lastApplicationSend + rttNanos;
        }
        return pacer.releaseTime(now, MSS, cc.pacingRate(rttNanos));
    }

    private void sendWhatIsAllowed() {
        while (nextSendTime() <= now) {
            if (applicationLimited) {
                cc.onApplicationLimited(bytesInFlight);
                lastApplicationSend = now;
            }
            SentPacket packet = Packets.sent(now, MSS);
            bytesInFlight += MSS;
            cc.onPacketSent(packet, bytesInFlight, now);
            pacer.onPacketSent(now, MSS, cc.pacingRate(rttNanos));
            long start = Math.max(now, busyUntil);
            maxQueueNanos = Math.max(maxQueueNanos, start - now);
            busyUntil = start + (long) (MSS / bytesPerNano);
            boolean lost = random.nextDouble() < lossRate || (dropEvery > 0 && ++sent % dropEvery == 0);
            inFlight.addLast(new InFlight(packet, busyUntil + rttNanos, lost));
        }
    }

    private void arrive(InFlight f) {
        bytesInFlight -= f.packet().size;
        if (f.lost()) {
            lostPackets++;
            cc.onPacketLost(f.packet());
            cc.onCongestionEvent(f.packet().sentNanos, now);
        } else {
            deliveredBytes += f.packet().size;
            cc.onPacketAcked(f.packet(), now, false);
            cc.onAckProcessed(now, bytesInFlight);
        }
    }
}
