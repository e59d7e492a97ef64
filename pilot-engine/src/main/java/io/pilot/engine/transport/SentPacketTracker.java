package io.pilot.engine.transport;

import java.util.Arrays;

/**
 * Ack-eliciting packets in flight, indexed by packet number in a growable ring: slot {@code pn - firstPn} holds the
 * packet or null (acknowledged, lost, or never tracked because it was not ack-eliciting). Lookup, insertion and
 * removal are O(1); the head skips nulls so the ring spans only from the oldest outstanding packet to the newest.
 */
final class SentPacketTracker {

    /**
     * Starts small and doubles as needed: a quiet connection (a backbone holds 10^5 of them, each with a request every
     * few seconds) has a packet or two in flight, while a bulk transfer grows this to its window once.
     */
    private SentPacket[] ring = new SentPacket[8];
    private int head;
    private int span;
    private long firstPn;
    private int count;

    boolean isEmpty() {
        return count == 0;
    }

    /** Oldest packet number that may still be tracked. */
    long firstPacketNumber() {
        return firstPn;
    }

    /** One past the newest tracked packet number. */
    long endPacketNumber() {
        return firstPn + span;
    }

    /** Adds a packet; packet numbers must increase. */
    void add(SentPacket packet) {
        if (count == 0) {
            head = 0;
            span = 0;
            firstPn = packet.packetNumber;
        }
        long offset = packet.packetNumber - firstPn;
        if (offset < span) {
            throw new IllegalArgumentException("packet numbers must increase");
        }
        while (offset >= ring.length) {
            grow();
        }
        ring[(head + (int) offset) & (ring.length - 1)] = packet;
        span = (int) offset + 1;
        count++;
    }

    SentPacket get(long packetNumber) {
        long offset = packetNumber - firstPn;
        if (offset < 0 || offset >= span) {
            return null;
        }
        return ring[(head + (int) offset) & (ring.length - 1)];
    }

    /** Removes and returns the packet, or null if it is not tracked. */
    SentPacket remove(long packetNumber) {
        long offset = packetNumber - firstPn;
        if (offset < 0 || offset >= span) {
            return null;
        }
        int index = (head + (int) offset) & (ring.length - 1);
        SentPacket packet = ring[index];
        if (packet == null) {
            return null;
        }
        ring[index] = null;
        count--;
        int mask = ring.length - 1;
        while (span > 0 && ring[head] == null) {
            head = (head + 1) & mask;
            span--;
            firstPn++;
        }
        return packet;
    }

    private void grow() {
        SentPacket[] bigger = new SentPacket[ring.length * 2];
        for (int i = 0; i < span; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
        }
        Arrays.fill(ring, null);
        ring = bigger;
        head = 0;
    }
}
