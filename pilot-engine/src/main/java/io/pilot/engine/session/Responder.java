package io.pilot.engine.session;

import io.pilot.engine.noise.HandshakeState;


/**
 * A handshake another node started with this one: the responder's half-open state after it answered
 * the first message. Bounded in number and age so a flood cannot grow it. Keeps the answer so a
 * repeated first message gets the same answer instead of new work.
 */
final class Responder {

    final int localIndex;
    final int remoteIndex;
    final Route source;
    final HandshakeState noise;
    final byte[] response;
    final long createdNanos;

    Responder(int localIndex, int remoteIndex, Route source, HandshakeState noise, byte[] response,
            long createdNanos) {
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.source = source;
        this.noise = noise;
        this.response = response;
        this.createdNanos = createdNanos;
    }
}
