package io.pilot.engine.session;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.transport.TransportConfig;

import java.net.InetSocketAddress;

/** Peers in the states the session rooms act on, built without a handshake. */
final class TestPeers {

    private TestPeers() {
    }

    static Connection connection() {
        return new Connection(TransportConfig.defaults(), true, stream -> { }, 0);
    }

    /** A peer with a live connection and confirmed keys made at time 0, reached directly at {@code endpoint}. */
    static Peer established(PilotAddress address, InetSocketAddress endpoint, int localIndex) {
        Peer peer = new Peer(address, null, endpoint);
        peer.current = new Keypair(localIndex, localIndex + 1, false, 0, peer, new byte[32], new byte[32]);
        peer.connection = connection();
        return peer;
    }
}
