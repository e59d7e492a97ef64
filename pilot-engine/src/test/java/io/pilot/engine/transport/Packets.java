package io.pilot.engine.transport;

import java.util.List;

/** Sent packets for controller tests, which only look at send time and size. */
final class Packets {

    private static long nextNumber;

    private Packets() {
    }

    static SentPacket sent(long sentNanos, int size) {
        return new SentPacket(nextNumber++, sentNanos, size, List.of());
    }
}
