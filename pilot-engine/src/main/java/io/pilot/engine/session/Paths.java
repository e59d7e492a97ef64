package io.pilot.engine.session;

import io.pilot.engine.address.HostPort;
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
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where datagrams to each peer go, and the sending of them: straight to the endpoint that last proved
 * itself, or wrapped for the relay this node uses. A peer's path moves only to a route that proved it
 * reaches the peer (path validation, RFC 9000 §8.2 and §9): an authenticated packet from another route
 * starts a PATH_CHALLENGE along it, and only the PATH_RESPONSE echoing it moves the path; until then at most
 * three times what arrived along that route goes back along it. The path falls back to the relay when
 * direct endpoints stay silent, and while relayed the direct candidates are challenged (probed) every
 * probe interval. Every datagram the session layer sends leaves through here. Confined to the event loop.
 */
final class Paths {

    private static final Logger log = LoggerFactory.getLogger(Paths.class);

    /** A path frame's plaintext: {@code kind u8 | data u48}. Lengths 2..6 stay unused. */
    static final int PATH_FRAME_LENGTH = 7;
    static final int PATH_CHALLENGE = 1;
    static final int PATH_RESPONSE = 2;
    /** A sealed path frame: header, plaintext, tag. */
    static final int PATH_DATAGRAM_LENGTH = WireFormat.DATA_HEADER_LENGTH + PATH_FRAME_LENGTH + WireFormat.TAG_LENGTH;
    /** A route that has not answered within this long is forgotten; its next packet challenges it anew. */
    static final long VALIDATION_TIMEOUT_NANOS = 3_000_000_000L;
    /**
     * A direct path that carried the peer's traffic within this long (or answered the challenge that moved this side
     * onto it) is kept when the peer's packets also come through the relay: the peer has not moved yet, it will. Long enough for the other side to follow an upgrade (it challenges
     * the direct route at the first direct packet it gets, three times over 750 ms), short enough that a direct path
     * gone silent in the peer's direction is left for the relay within seconds.
     */
    static final long DIRECT_HOLD_NANOS = 3_000_000_000L;
    /** Challenges per route: at once, then after one and after three handshake retransmission intervals. */
    static final int MAX_CHALLENGES = 3;
    private static final long DATA_MASK = (1L << 48) - 1;

    private final Channel channel;
    private final ByteBufAllocator allocator;
    private final SessionSettings sessionSettings;
    /** Peers by their direct endpoint: how the relay role knows who sent a datagram. */
    private final Map<InetSocketAddress, Peer> byEndpoint = new HashMap<>();
    private final ByteBuffer pathFrame = ByteBuffer.allocate(PATH_FRAME_LENGTH);
    private final SecureRandom random;
    private long challengesSent;
    private long pathsValidated;
    private long relayedWhileDirect;
    private long amplificationLimited;
    private PathSettings settings = PathSettings.DEFAULTS;
    private InetSocketAddress relayEndpoint;
    private PilotAddress relayAddress;

    Paths(Channel channel, SessionSettings sessionSettings, SecureRandom random) {
        this.channel = channel;
        this.random = random;
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
                    : "relayed: no direct answer from " + HostPort.formatAll(peer.handshakeTargets()) + " within "
                    + settings.relayAfter().toMillis() + " ms; probing direct paths every "
                    + settings.probeInterval().toMillis() + " ms";
        } else {
            peer.relayed = false;
            peer.pathReason = "direct";
            setEndpoint(peer, from.direct());
        }
        peer.publish();
    }

    /**
     * An authenticated DATA packet of {@code bytes} arrived along {@code from}. Along the peer's path, nothing
     * changes. Along another route the path stays where it is: the route is challenged (once, then by the
     * timers) and the bytes count towards what may be sent along it before it answers.
     *
     * @return null when the packet may be processed, else why it is dropped
     */
    DropReason roam(Peer peer, Keypair keypair, Route from, int bytes, long now) {
        if (from.isRelayed() && !from.relayed().equals(peer.address)) {
            return DropReason.UNEXPECTED_KEY;
        }
        if (from.equals(peer.route())) {
            return null;
        }
        if (from.isRelayed() && directHeld(peer, now)) {
            // Sent before the peer learned of the direct path (an upgrade one side made first): challenging the relay
            // now would move this side back onto it, and the two could trade places for as long as both send.
            relayedWhileDirect++;
            return null;
        }
        PendingPath pending = peer.pendingPaths.find(from);
        if (pending == null) {
            pending = new PendingPath(from, random.nextLong() & DATA_MASK, true, now);
            peer.pendingPaths.add(pending);
            log.debug("{} sent from {} (path {}): validating", peer.address, from, peer.route());
        }
        pending.received(bytes);
        if (pending.challengesSent == 0) {
            challenge(peer, keypair, pending, now);
        }
        return null;
    }

    /**
     * The peer sent traffic (not a probe or path frame) along {@code from}: if that is its direct path, the peer uses
     * it. Probes do not count: a relayed peer probes this node's direct endpoint every {@code probeInterval}, and a
     * path that works only towards this node must not be held against the relay by them.
     */
    void heardTraffic(Peer peer, Route from, long now) {
        if (!peer.relayed && !from.isRelayed() && from.direct().equals(peer.endpoint)) {
            heardDirect(peer, from, now);
        }
    }

    /** Whether the peer is on a direct path that carried its traffic within {@link #DIRECT_HOLD_NANOS}. */
    private static boolean directHeld(Peer peer, long now) {
        return !peer.relayed && peer.route().equals(peer.directHeardRoute) && now - peer.directHeardNanos < DIRECT_HOLD_NANOS;
    }

    /** The peer's direct path (this route) just showed that it carries traffic both ways. */
    private static void heardDirect(Peer peer, Route route, long now) {
        peer.directHeardRoute = route;
        peer.directHeardNanos = now;
    }

    /**
     * A path frame (PATH_CHALLENGE or PATH_RESPONSE) arrived along {@code from}, authenticated under
     * {@code keypair}. A challenge is answered along the route it came by (within that route's budget when it
     * is not the peer's path); a response that echoes a pending challenge moves the peer to that route.
     */
    void onPathFrame(Peer peer, Keypair keypair, Route from, ByteBuffer plaintext, long now) {
        int at = plaintext.position();
        int kind = plaintext.get(at) & 0xFF;
        long data = (plaintext.getShort(at + 1) & 0xFFFFL) << 32 | (plaintext.getInt(at + 3) & 0xFFFFFFFFL);
        if (kind == PATH_CHALLENGE) {
            PendingPath budget = from.equals(peer.route()) ? null : peer.pendingPaths.find(from);
            sendPathFrame(peer, keypair, PATH_RESPONSE, data, from, budget, now);
        } else if (kind == PATH_RESPONSE) {
            PendingPath answered = peer.pendingPaths.answeredBy(data);
            if (answered != null) {
                validated(peer, answered.route, now);
                if (from.equals(peer.route()) && !from.isRelayed()) {
                    heardDirect(peer, from, now); // the answer came back along the direct path it validated
                }
            }
        }
    }

    /** The route answered its challenge: it becomes the peer's path, and the other pending ones are forgotten. */
    private void validated(Peer peer, Route route, long now) {
        pathsValidated++;
        peer.pendingPaths.clear();
        if (route.equals(peer.route())) {
            return;
        }
        log.debug("{} now at {} (was {}): the route answered its challenge", peer.address, route, peer.route());
        if (route.isRelayed()) {
            peer.relayed = true;
            peer.nextProbeNanos = now + settings.probeInterval().toNanos();
            peer.pathReason = "relayed: the peer reaches this node through the relay";
        } else {
            if (peer.relayed) {
                peer.pathReason = "direct: upgraded from the relay when a direct path answered its challenge";
            }
            peer.relayed = false;
            setEndpoint(peer, route.direct());
        }
        peer.publish(); // callers reading the path see the switch at once
    }

    /** Repeats unanswered challenges when due and forgets routes that never answered. */
    void validateIfDue(Peer peer, long now) {
        if (peer.pendingPaths.isEmpty()) {
            return;
        }
        peer.pendingPaths.expire(now, VALIDATION_TIMEOUT_NANOS);
        Keypair keypair = peer.sendingKeypair(now, sessionSettings);
        if (keypair == null) {
            peer.pendingPaths.clear();
            return;
        }
        for (PendingPath pending : peer.pendingPaths.all()) {
            if (pending.challengesSent < MAX_CHALLENGES && now >= pending.nextChallengeNanos) {
                challenge(peer, keypair, pending, now);
            }
        }
    }

    /**
     * When {@link #validateIfDue} or {@link #probeIfDue} next has something to do for {@code peer}: a challenge
     * to repeat, a route to forget, a probe to send; {@link Long#MAX_VALUE} when nothing is pending.
     */
    long nextDueNanos(Peer peer, long now) {
        long due = Long.MAX_VALUE;
        List<PendingPath> pendingPaths = peer.pendingPaths.all();
        for (int i = 0; i < pendingPaths.size(); i++) { // called on every send: no iterator
            PendingPath pending = pendingPaths.get(i);
            due = Math.min(due, pending.startedNanos + VALIDATION_TIMEOUT_NANOS);
            if (pending.challengesSent < MAX_CHALLENGES) {
                due = Math.min(due, pending.nextChallengeNanos);
            }
        }
        if (peer.relayed && peer.isEstablished(now, sessionSettings)) {
            due = Math.min(due, peer.nextProbeNanos);
        }
        return due;
    }

    private void challenge(Peer peer, Keypair keypair, PendingPath pending, long now) {
        if (sendPathFrame(peer, keypair, PATH_CHALLENGE, pending.data, pending.route, pending, now)) {
            pending.challengesSent++;
            challengesSent++;
        }
        // One, then two handshake retransmission intervals: a lost challenge is repeated soon.
        pending.nextChallengeNanos = now + sessionSettings.handshakeRetransmit().toNanos()
                * (1L << Math.max(0, Math.min(pending.challengesSent, MAX_CHALLENGES) - 1));
    }

    /**
     * Seals a path frame under the peer's sending keys ({@code fallback} when it has none) and sends it along
     * {@code route}, charging {@code budget} (the route's pending path, or null along a validated route).
     *
     * @return whether it went out (false when over the route's amplification budget)
     */
    private boolean sendPathFrame(Peer peer, Keypair fallback, int kind, long data, Route route, PendingPath budget,
            long now) {
        if (budget != null && !budget.maySend(PATH_DATAGRAM_LENGTH)) {
            amplificationLimited++;
            return false;
        }
        if (budget != null) {
            budget.sent(PATH_DATAGRAM_LENGTH);
        }
        Keypair keypair = peer.sendingKeypair(now, sessionSettings);
        pathFrame.clear();
        pathFrame.put((byte) kind).putShort((short) (data >>> 32)).putInt((int) data).flip();
        sendSealed(keypair != null ? keypair : fallback, pathFrame, route);
        return true;
    }

    /** PATH_CHALLENGEs sent. */
    long challengesSent() {
        return challengesSent;
    }

    /** Routes that answered their challenge. */
    long pathsValidated() {
        return pathsValidated;
    }

    /** Packets that came through the relay from a peer whose direct path carried its traffic lately: not challenged. */
    long relayedWhileDirect() {
        return relayedWhileDirect;
    }

    /** Path frames not sent because the route's amplification budget was spent. */
    long amplificationLimited() {
        return amplificationLimited;
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
     * While a peer is relayed, every probe interval: a PATH_CHALLENGE straight to each of its direct
     * candidates (at most {@link PendingPaths#MAX_PENDING}). These are routes this node chose, so what it
     * received from them does not limit them. The first to answer becomes the path; the peer, challenged
     * from there, challenges that route in turn and follows. Both sides probing at once is what opens a
     * path through two NATs.
     */
    void probeIfDue(Peer peer, long now) {
        if (!peer.relayed || now < peer.nextProbeNanos || !peer.isEstablished(now, sessionSettings)) {
            return;
        }
        peer.nextProbeNanos = now + settings.probeInterval().toNanos();
        Keypair keypair = peer.sendingKeypair(now, sessionSettings);
        List<InetSocketAddress> targets = peer.candidates.isEmpty() && peer.endpoint != null ? List.of(peer.endpoint)
                : peer.candidates;
        for (InetSocketAddress target : targets.subList(0, Math.min(targets.size(), PendingPaths.MAX_PENDING))) {
            Route route = Route.direct(target);
            PendingPath pending = peer.pendingPaths.find(route);
            if (pending == null || now - pending.startedNanos >= VALIDATION_TIMEOUT_NANOS) {
                peer.pendingPaths.all().remove(pending);
                pending = new PendingPath(route, random.nextLong() & DATA_MASK, false, now);
                peer.pendingPaths.add(pending);
            }
            pending.limited = false;
            challenge(peer, keypair, pending, now);
        }
    }

    /** Sends a datagram (consumed) along a route: straight to an endpoint, or wrapped for the relay. */
    /** The relay's endpoint, or null. */
    InetSocketAddress relayEndpoint() {
        return relayEndpoint;
    }

    /**
     * Seals a short session-control plaintext (a confirmation, a path frame, an ended notice) under {@code keypair}
     * into one DATA datagram and sends it along {@code to}.
     */
    void sendSealed(Keypair keypair, ByteBuffer plaintext, Route to) {
        ByteBuf datagram = allocator.directBuffer(WireFormat.DATA_OVERHEAD + plaintext.remaining());
        keypair.seal(datagram, plaintext);
        send(datagram, to);
    }

    void send(ByteBuf datagram, Route to) {
        if (!to.isRelayed()) {
            send(datagram, to.direct());
        } else if (relayEndpoint != null) {
            send(towardsRelay(to.relayed(), datagram), relayEndpoint);
        } else {
            datagram.release();
        }
    }

    /**
     * Sends a datagram (consumed) straight to an endpoint, flushing at once. A send the socket refuses
     * (no route, a local firewall, broadcast) is this endpoint failing, not the channel: it is logged here
     * rather than reaching the pipeline as an unexpected error. The endpoint stays a candidate: such
     * refusals pass (a firewall rule lifted, a route back), and the handshake's other targets and the
     * relay carry on meanwhile. Endpoints of a family the socket cannot serve never get here ({@link SocketReach}).
     */
    void send(ByteBuf datagram, InetSocketAddress to) {
        channel.writeAndFlush(new DatagramPacket(datagram, to)).addListener(sent -> {
            if (!sent.isSuccess()) {
                sendFailed(to, sent.cause());
            }
        });
    }

    private void sendFailed(InetSocketAddress to, Throwable cause) {
        if (channel.isOpen()) {
            log.debug("cannot send to {}: {}", HostPort.format(to), cause.toString());
        }
    }

    /** What the node's socket can send to, as bound now. */
    SocketReach reach() {
        return channel.localAddress() instanceof InetSocketAddress bound ? new SocketReach(bound) : SocketReach.UNBOUND;
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

    /** Where {@link #write} sends the peer's datagrams now: its endpoint, the relay, or null when neither is known. */
    InetSocketAddress recipient(Peer peer) {
        return peer.relayed ? relayEndpoint : peer.endpoint;
    }

    private ByteBuf towardsRelay(PilotAddress target, ByteBuf datagram) {
        return RelayPacket.wrap(allocator, WireFormat.TYPE_RELAY, target, datagram);
    }
}
