package io.pilot.engine.session;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.transport.ConnectionHandler;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireCodec;
import io.pilot.engine.wire.WirePacket;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One node's handshake room and what it needs, without a session engine. */
final class HandshakeSide {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final int REALM = 1;

    final Identity identity = Identity.generate(RANDOM);
    final InetSocketAddress endpoint;
    final EmbeddedChannel channel = new EmbeddedChannel();
    final DropCounters drops = new DropCounters();
    final IndexTable indexes = new IndexTable(RANDOM);
    final PeerTable peers = new PeerTable();
    final Paths paths = new Paths(channel, SessionSettings.DEFAULTS, new SecureRandom());
    final List<Peer> established = new ArrayList<>();
    final Responders responders;
    private int connectionsMade;
    final Handshakes handshakes;

    HandshakeSide(InetSocketAddress endpoint, SessionSettings settings) {
        this.endpoint = endpoint;
        this.responders = new Responders(indexes, settings.maxPendingHandshakes());
        SessionEvents events = new SessionEvents() {
            @Override
            public ConnectionHandler connectionHandler(Peer peer) {
                return stream -> { };
            }

            @Override
            public void established(Peer peer, boolean newConnection) {
                established.add(peer);
                if (newConnection) {
                    connectionsMade++;
                }
            }
        };
        handshakes = new Handshakes(identity, REALM, RANDOM.nextLong(), settings, drops, RANDOM,
                new ProofCheck(REALM, AccessPolicy.REALM_MEMBERS, drops), indexes,
                responders, peers, paths,
                new Establishment(identity.publicKey(), TransportConfig.defaults(), events, (peer, now) -> { }),
                Runnable::run, System::nanoTime); // one handshake at a time: an INIT is answered as it is judged
    }

    /** The peer {@code other} as this side knows it before any handshake: address, key and endpoint. */
    Peer know(HandshakeSide other) {
        Peer peer = new Peer(other.identity.publicKey().address(REALM), other.identity.publicKey(), null);
        peers.add(peer);
        paths.setEndpoint(peer, other.endpoint);
        return peer;
    }

    /** The next datagram this side sent through its relay: the wrapped datagram, decoded, and whom it was for. */
    WirePacket sentThroughRelay(PilotAddress expectedTarget) {
        RelayPacket relay = (RelayPacket) sent();
        try {
            assertThat(relay.address()).isEqualTo(expectedTarget);
            return WireCodec.decode(relay.inner()).packet();
        } finally {
            relay.release();
        }
    }

    /** Connections this side made (each replacing the one before, if any). */
    int connectionsMade() {
        return connectionsMade;
    }

    PilotAddress address() {
        return identity.publicKey().address(REALM);
    }

    /** The next datagram this side sent, decoded. */
    WirePacket sent() {
        DatagramPacket datagram = channel.readOutbound();
        assertThat(datagram).as("a datagram was sent").isNotNull();
        WireCodec.Result decoded = WireCodec.decode(datagram.content());
        datagram.release();
        return decoded.packet();
    }
}
