package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where datagrams to each peer go, and the sending of them: straight to the endpoint that last proved
 * itself, or wrapped for the relay this node uses. A peer's path follows authenticated packets (roaming),
 * falls back to the relay when direct endpoints stay silent, and is probed back to direct while relayed.
 * Every datagram the session layer sends leaves through here. Confined to the event loop.
 */
final class Paths {

    private static final Logger log = LoggerFactory.getLogger(Paths.class);

    private final Channel channel;
    private final ByteBufAllocator allocator;
    private final SessionSettings sessionSettings;
    /** Peers by their direct endpoint: how the relay role knows who sent a datagram. */
    private final Map<InetSocketAddress, Peer> byEndpoint = new HashMap<>();
    /** A probe is an empty DATA packet: sealed, it is the header and the tag alone. */
    private final ByteBuffer noPlaintext = ByteBuffer.allocate(0);
    private PathSettings settings = PathSettings.DEFAULTS;
    private InetSocketAddress relayEndpoint;
    private PilotAddress relayAddress;

    Paths(Channel channel, SessionSettings sessionSettings) {
        this.channel = channel;
        this.allocator = channel.alloc();
        this.sessionSettings = sessionSettings;
    }

    ByteBufAllocator allocator() {
        return allocator;
    }

    void settings(PathSettings settings) {
        this.settings = settings;
    }

    boolean relayAllowed() {
        return settings.relayAllowed();
    }

    void useRelay(InetSocketAddress endpoint, PilotAddress address) {
        this.relayEndpoint = endpoint;
        this.relayAddress = address;
    }

    /** Whether a datagram from {@code sender} comes from the relay this node uses. */
    boolean isRelay(InetSocketAddress sender) {
        return relayEndpoint != null && relayEndpoint.equals(sender);
    }

    /** The peer with a known address reached directly at {@code endpoint}, or null. */
    Peer peerAt(InetSocketAddress endpoint) {
        return byEndpoint.get(endpoint);
    }

    /** Records where a peer is reached directly, keeping the endpoint index the relay role uses. */
    void setEndpoint(Peer peer, InetSocketAddress endpoint) {
        if (peer.endpoint != null && byEndpoint.get(peer.endpoint) == peer) {
            byEndpoint.remove(peer.endpoint);
        }
        peer.endpoint = endpoint;
        if (endpoint != null && peer.address != null) {
            byEndpoint.put(endpoint, peer);
        }
    }

    /** Drops a candidate endpoint that turned out to be someone else; the next candidate becomes the endpoint. */
    void forgetCandidate(Peer peer, InetSocketAddress endpoint) {
        peer.candidates = peer.candidates.stream().filter(c -> !c.equals(endpoint)).toList();
        if (endpoint.equals(peer.endpoint)) {
            setEndpoint(peer, peer.candidates.isEmpty() ? null : peer.candidates.get(0));
        }
    }

    /** The path a handshake answer arrived on becomes the peer's path, with the reason an operator will read. */
    void takeRoute(Peer peer, Route from, Initiation initiation, long now) {
        if (from.isRelayed()) {
            peer.relayed = true;
            peer.nextProbeNanos = now + settings.probeInterval().toNanos();
            peer.pathReason = initiation == null ? "relayed: the peer reached this node through the relay"
                    : "relayed: no direct answer from " + peer.handshakeTargets() + " within "
                    + settings.relayAfter().toMillis() + " ms; probing direct paths every "
                    + settings.probeInterval().toMillis() + " ms";
        } else {
            peer.relayed = false;
            peer.pathReason = "direct";
            setEndpoint(peer, from.direct());
        }
    }

    /**
     * An authenticated DATA packet arrived along {@code from}: the peer is where the packet came from
     * (roaming). A packet that moves a relayed peer to a direct path is answered on that path at once, so
     * the other side moves too even if nothing else is sent.
     *
     * @return null when the route is accepted, else why the packet is dropped
     */
    DropReason roam(Peer peer, Keypair keypair, Route from) {
        if (from.isRelayed()) {
            if (!from.relayed().equals(peer.address)) {
                return DropReason.UNEXPECTED_KEY;
            }
            if (!peer.relayed) {
                peer.relayed = true;
                peer.pathReason = "relayed: the peer reaches this node through the relay";
            }
        } else if (peer.relayed || !from.direct().equals(peer.endpoint)) {
            log.debug("{} now direct at {} (was {})", peer.address, from.direct(), peer.route());
            boolean upgraded = peer.relayed;
            peer.relayed = false;
            setEndpoint(peer, from.direct());
            if (upgraded) {
                peer.pathReason = "direct: upgraded from the relay when a direct packet arrived";
                sendProbe(keypair, from.direct());
            }
        }
        return null;
    }

    /** Whether traffic to {@code peer} may go through the relay: allowed, a relay known, and not the relay itself. */
    boolean canRelay(Peer peer) {
        return settings.relayAllowed() && relayEndpoint != null && peer.address != null
                && !peer.address.equals(relayAddress);
    }

    /** Whether a new handshake goes through the relay at once: the peer is relayed, or has no direct endpoint. */
    boolean handshakeViaRelay(Peer peer) {
        return canRelay(peer) && (peer.relayed || peer.handshakeTargets().isEmpty());
    }

    /** Whether a handshake that direct endpoints have not answered should also go through the relay. */
    boolean relayFallback(Peer peer, Initiation initiation, long now) {
        return canRelay(peer) && (peer.relayed || now - initiation.startedNanos >= settings.relayAfter().toNanos());
    }

    /**
     * While a peer is relayed, every probe interval: an authenticated, empty DATA packet to each of its
     * direct endpoints. If one arrives, the peer moves to that path (as with roaming) and answers on it,
     * and this side follows. Both sides probing at once is what opens a path through two NATs.
     */
    void probeIfDue(Peer peer, long now) {
        if (!peer.relayed || now < peer.nextProbeNanos || !peer.isEstablished(now, sessionSettings)) {
            return;
        }
        peer.nextProbeNanos = now + settings.probeInterval().toNanos();
        Keypair keypair = peer.sendingKeypair(now, sessionSettings);
        List<InetSocketAddress> targets = peer.candidates.isEmpty() && peer.endpoint != null ? List.of(peer.endpoint)
                : peer.candidates;
        for (InetSocketAddress target : targets) {
            sendProbe(keypair, target);
        }
    }

    /** An authenticated, empty DATA packet sent straight to one endpoint. */
    private void sendProbe(Keypair keypair, InetSocketAddress target) {
        noPlaintext.clear();
        ByteBuf probe = allocator.directBuffer(WireFormat.DATA_HEADER_LENGTH + WireFormat.TAG_LENGTH);
        keypair.seal(probe, noPlaintext);
        send(probe, target);
    }

    /** Sends a datagram (consumed) along a route: straight to an endpoint, or wrapped for the relay. */
    void send(ByteBuf datagram, Route to) {
        if (!to.isRelayed()) {
            send(datagram, to.direct());
        } else if (relayEndpoint != null) {
            send(towardsRelay(to.relayed(), datagram), relayEndpoint);
        } else {
            datagram.release();
        }
    }

    /** Sends a datagram (consumed) straight to an endpoint, flushing at once. */
    void send(ByteBuf datagram, InetSocketAddress to) {
        channel.writeAndFlush(new DatagramPacket(datagram, to), channel.voidPromise());
    }

    /**
     * Writes a DATA datagram (consumed) on the peer's path without flushing: the data path flushes once for
     * all it sends. Decides on the peer's fields rather than its {@link Peer#route() route}, so sending
     * allocates nothing beyond the datagram.
     */
    void write(ByteBuf datagram, Peer peer) {
        if (!peer.relayed) {
            channel.write(new DatagramPacket(datagram, peer.endpoint), channel.voidPromise());
        } else if (relayEndpoint != null) {
            channel.write(new DatagramPacket(towardsRelay(peer.address, datagram), relayEndpoint), channel.voidPromise());
        } else {
            datagram.release();
        }
    }

    private ByteBuf towardsRelay(PilotAddress target, ByteBuf datagram) {
        return RelayPacket.wrap(allocator, WireFormat.TYPE_RELAY, target, datagram);
    }
}
