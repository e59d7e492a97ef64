package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.crypto.X25519KeyPair;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.limit.RateLimiter;
import io.pilot.engine.noise.HandshakeState;
import io.pilot.engine.noise.NoiseException;
import io.pilot.engine.noise.SplitKeys;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.CookieReply;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.HandshakeFinal;
import io.pilot.engine.wire.HandshakeInit;
import io.pilot.engine.wire.HandshakeResponse;
import io.pilot.engine.wire.InboundPacket;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireCodec;
import io.pilot.engine.wire.WireFormat;
import io.pilot.engine.wire.WirePacket;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secure session layer of a node: runs Noise XX handshakes, keeps every peer's key pairs, seals and
 * opens DATA packets, and drives each peer's reliable {@link Connection}. One instance per node, confined
 * to the event loop of the node's UDP channel: every method must be called on it.
 *
 * <p>The handshake is {@code Noise_XX_25519_AESGCM_SHA256} with prologue {@code "pilot/1"}; each side's
 * encrypted payload is a {@link HandshakePayload}: its {@link IdentityProof} and flags. See {@code docs/PROTOCOL.md}, "Secure sessions", for
 * the message flow and every timer.
 */
public final class SessionEngine {

    private static final Logger log = LoggerFactory.getLogger(SessionEngine.class);
    private static final long MAX_RETRANSMIT_INTERVAL = 2_000_000_000L;
    static final long TICK_NANOS = 50_000_000L;

    /**
     * DATA plaintext of exactly one byte is a session confirmation, not a transport packet (which is
     * never shorter than its 8-byte packet number).
     */
    private static final int CONFIRMATION_LENGTH = 1;
    /** A transport packet starts with its 8-byte packet number. */
    private static final int MIN_TRANSPORT_PACKET = 8;
    private static final int FRESH_CONNECTION = 1;

    private final Channel channel;
    private final EventLoop loop;
    private final ByteBufAllocator allocator;
    private final Identity identity;
    private final int realm;
    private final long bootId;
    private final X25519KeyPair noiseStatic;
    private final byte[] proof;
    private final SessionSettings settings;
    private final TransportConfig transportConfig;
    private final AccessPolicy accessPolicy;
    private final boolean segmentationOffload;
    private final SessionEvents events;
    private final DropCounters drops;
    private final SecureRandom random;
    private final HandshakeGuard guard;

    private final IndexTable indexes;
    private final PeerTable peers = new PeerTable();
    private final Responders responders;
    private final Set<Peer> readDirty = new LinkedHashSet<>();
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(WireFormat.MAX_DATA_PLAINTEXT + WireFormat.TAG_LENGTH);
    private final ByteBuffer sendBuffer = ByteBuffer.allocate(WireFormat.MAX_DATA_PLAINTEXT);
    private final ByteBuffer receiveScratch = ByteBuffer.allocate(WireFormat.MAX_DATAGRAM);
    private final Paths paths;
    private final RelayForwarder relay;
    private long probesReceived;
    private long handshakesCompleted;
    private boolean closed;

    /**
     * @param segmentationOffload whether full-size datagrams to one peer may leave as one UDP GSO write
     *        (the channel must support {@code SegmentedDatagramPacket})
     */
    public SessionEngine(Channel channel, Identity identity, int realm, SessionSettings settings,
            TransportConfig transportConfig, AccessPolicy accessPolicy, SessionEvents events, DropCounters drops,
            SecureRandom random, boolean segmentationOffload) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.allocator = channel.alloc();
        this.identity = identity;
        this.realm = realm;
        this.settings = settings;
        this.transportConfig = transportConfig;
        this.accessPolicy = accessPolicy;
        this.segmentationOffload = segmentationOffload;
        this.events = events;
        this.drops = drops;
        this.random = random;
        this.bootId = random.nextLong();
        this.noiseStatic = X25519KeyPair.generate(random);
        this.proof = IdentityProof.create(identity, realm, bootId, noiseStatic.publicKey()).encode();
        this.guard = new HandshakeGuard(settings, random, System.nanoTime());
        this.indexes = new IndexTable(random);
        this.responders = new Responders(indexes, settings.maxPendingHandshakes());
        this.paths = new Paths(channel, settings);
        this.relay = new RelayForwarder(paths, peers, settings, drops);
        loop.scheduleAtFixedRate(this::tick, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
    }

    public PilotAddress localAddress() {
        return identity.publicKey().address(realm);
    }

    public long bootId() {
        return bootId;
    }

    public long handshakesCompleted() {
        return handshakesCompleted;
    }

    public Collection<Peer> peers() {
        return peers.all();
    }

    public Peer peer(PilotAddress address) {
        return peers.get(address);
    }

    /** How to choose between direct paths and the relay. */
    public void pathSettings(PathSettings settings) {
        paths.settings(settings);
    }

    /** Passes datagrams between nodes that both hold a session with this one (the backbone does). */
    public void serveAsRelay(boolean serve) {
        relay.serve(serve);
    }

    /** The relay this node uses when a peer cannot be reached directly: its endpoint and address. */
    public void useRelay(InetSocketAddress endpoint, PilotAddress address) {
        paths.useRelay(endpoint, address);
    }

    /** Bytes this node passed on as a relay. */
    public long relayedBytes() {
        return relay.relayedBytes();
    }

    /** Direct-path probes received from peers. */
    public long probesReceived() {
        return probesReceived;
    }

    /** Number of half-open responder handshakes, for tests of memory bounds. */
    public int pendingHandshakes() {
        return responders.size();
    }

    /**
     * Makes a peer known: its address, optionally its key (then the handshake must present exactly this
     * key), and where to reach it. A known peer's endpoint is updated; a conflicting key is refused.
     */
    public Peer addPeer(PilotAddress address, NodeKey key, InetSocketAddress endpoint) {
        return addPeer(address, key, endpoint == null ? List.of() : List.of(endpoint), true);
    }

    /**
     * Makes a peer known with every endpoint it may be reached at; handshakes go to all of them at once.
     * With {@code switchEndpoint}, an established peer's traffic moves to the first endpoint now (the
     * caller knows better, as after a move); otherwise it keeps its working endpoint and the candidates
     * serve the next handshake.
     */
    public Peer addPeer(PilotAddress address, NodeKey key, List<InetSocketAddress> endpoints, boolean switchEndpoint) {
        if (key != null && !key.address(address.realm()).equals(address)) {
            throw new IllegalArgumentException("key " + key + " belongs to address " + key.address(address.realm())
                    + ", not " + address);
        }
        Peer peer = peers.get(address);
        if (peer == null) {
            peer = new Peer(address, key, null);
            peer.candidates = List.copyOf(endpoints);
            peers.add(peer);
            if (!endpoints.isEmpty()) {
                paths.setEndpoint(peer, endpoints.get(0));
            }
            return peer;
        }
        if (key != null && peer.key != null && !peer.key.equals(key)) {
            throw new IllegalArgumentException("address " + address + " is pinned to key " + peer.key
                    + "; refusing a different key " + key);
        }
        if (key != null) {
            peer.key = key;
        }
        if (!endpoints.isEmpty()) {
            peer.candidates = List.copyOf(endpoints);
            if (switchEndpoint || peer.endpoint == null || !peer.isEstablished(System.nanoTime(), settings)) {
                paths.setEndpoint(peer, endpoints.get(0));
            }
        }
        return peer;
    }

    /**
     * Handshakes with whatever node answers at {@code endpoint}, learning its key and address from the
     * handshake (trust on first use): the way to reach a backbone whose key is not configured.
     */
    public void whenEstablished(InetSocketAddress endpoint, BiConsumer<Peer, Throwable> callback) {
        for (Peer known : peers.all()) {
            if (endpoint.equals(known.endpoint) && known.isEstablished(System.nanoTime(), settings)) {
                callback.accept(known, null);
                return;
            }
        }
        Peer unknown = new Peer(null, null, endpoint);
        peers.addProvisional(unknown);
        whenEstablished(unknown, callback);
    }

    /**
     * Calls {@code callback} once {@code peer} has an established session (at once if it has one),
     * starting a handshake if needed; or with the failure when the handshake times out.
     */
    public void whenEstablished(Peer peer, BiConsumer<Peer, Throwable> callback) {
        long now = System.nanoTime();
        if (closed) {
            callback.accept(peer, new SessionException("node is closed"));
        } else if (peer.isEstablished(now, settings)) {
            callback.accept(peer, null);
        } else if (peer.endpoint == null && peer.candidates.isEmpty() && !paths.canRelay(peer)) {
            callback.accept(peer, new SessionException("no known endpoint for " + peer.address + " and no relay to use"));
        } else {
            peer.waiters.add(callback);
            initiate(peer, now);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Inbound

    public void receive(InboundPacket inbound) {
        long now = System.nanoTime();
        if (inbound.packet() instanceof RelayPacket relay) {
            try {
                onRelay(relay, inbound.sender(), now);
            } finally {
                relay.release();
            }
            return;
        }
        dispatch(inbound.packet(), Route.direct(inbound.sender()), inbound.sender(), now);
    }

    private void dispatch(WirePacket packet, Route from, InetSocketAddress sender, long now) {
        if (packet instanceof DataPacket data) {
            try {
                onData(data, from, now);
            } finally {
                data.release();
            }
        } else if (packet instanceof HandshakeInit init) {
            onInit(init, from, sender, now);
        } else if (packet instanceof HandshakeResponse response) {
            onResponse(response, from, now);
        } else if (packet instanceof HandshakeFinal fin) {
            onFinal(fin, from, now);
        } else if (packet instanceof CookieReply cookie) {
            onCookie(cookie, now);
        }
    }

    /**
     * A relay packet: as the relay, pass a registered session peer's datagram on to its target; as a
     * client, unwrap what our relay passes on and handle it as if it came from the claimed source.
     */
    private void onRelay(RelayPacket relay, InetSocketAddress sender, long now) {
        if (relay.nestingProblem() != null) {
            drops.count(relay.nestingProblem());
            return;
        }
        if (relay.towardsRelay()) {
            this.relay.forward(relay, sender, now);
            return;
        }
        if (!paths.isRelay(sender)) {
            drops.count(DropReason.NOT_ALLOWED);
            return;
        }
        WireCodec.Result inner = WireCodec.decode(relay.inner());
        if (inner.packet() == null) {
            drops.count(inner.drop());
            return;
        }
        dispatch(inner.packet(), Route.relayed(relay.address()), sender, now);
    }

    private void onData(DataPacket data, Route from, long now) {
        if (!(indexes.get(data.receiverIndex()) instanceof Keypair keypair)) {
            drops.count(DropReason.UNKNOWN_SESSION);
            return;
        }
        if (!keypair.usable(now, settings)) {
            drops.count(DropReason.KEY_EXPIRED);
            return;
        }
        DropReason refused = keypair.open(data, receiveScratch, receiveBuffer);
        if (refused != null) {
            drops.count(refused);
            return;
        }
        Peer peer = keypair.peer;
        DropReason misrouted = paths.roam(peer, keypair, from);
        if (misrouted != null) {
            drops.count(misrouted);
            return;
        }
        peer.lastReceivedNanos = now;
        peer.bytesIn += data.datagram().readableBytes();
        int length = receiveBuffer.remaining();
        if (length == 0) {
            probesReceived++; // a path probe: its work (proving the path, moving the peer to it) is done above
        } else if (length == CONFIRMATION_LENGTH) {
            int flags = receiveBuffer.get(0) & 0xFF;
            if ((flags & ~FRESH_CONNECTION) != 0) {
                drops.count(DropReason.HANDSHAKE_FAILED);
            } else if (!keypair.confirmed) {
                confirm(peer, keypair, flags == FRESH_CONNECTION, now);
            }
        } else if (length < MIN_TRANSPORT_PACKET) {
            drops.count(DropReason.TRUNCATED);
        } else if (keypair.confirmed && keypair.generation == peer.connectionGeneration && peer.connection != null) {
            peer.connection.receive(receiveBuffer, now);
        } else {
            // Keys of a connection that was replaced (or not yet confirmed): its packets must not reach the new one.
            drops.count(DropReason.STALE_CONNECTION);
        }
        // Answer once per batch of datagrams read, not once per datagram: acknowledgements and replies
        // for a whole recvmmsg batch then share packets and system calls.
        readDirty.add(peer);
    }

    /** The channel finished a batch of reads: send what the batch made ready. */
    public void readComplete() {
        if (readDirty.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (Peer peer : readDirty) {
            flush(peer, now);
        }
        readDirty.clear();
    }

    /**
     * The responder has the keys: switch to them and, if either side starts afresh, start a new
     * connection on this side too.
     */
    private void confirm(Peer peer, Keypair keypair, boolean responderFresh, long now) {
        keypair.confirmed = true;
        keypair.pendingFinal = null;
        if (peer.next == keypair) {
            indexes.retire(peer.previous);
            peer.previous = peer.current;
            peer.current = keypair;
            peer.next = null;
        }
        established(peer, keypair, keypair.freshConnection || responderFresh, now);
    }

    private void onInit(HandshakeInit init, Route from, InetSocketAddress source, long now) {
        if (from.isRelayed() && !paths.relayAllowed()) {
            drops.count(DropReason.NOT_ALLOWED);
            return;
        }
        String sourceKey = Responders.sourceKey(from, init.senderIndex());
        Responder existing = responders.get(sourceKey);
        if (existing != null) {
            paths.send(new HandshakeResponse(existing.localIndex, existing.remoteIndex, existing.response).encode(allocator), from);
            return;
        }
        // Relayed initiations passed the relay's own checks (a session there); the guard judges direct ones.
        switch (from.isRelayed() ? HandshakeGuard.Verdict.PROCEED : guard.admit(source, init.cookie(), init.hasCookie(), now)) {
            case DROP -> {
                drops.count(guard.lastDrop());
                return;
            }
            case SEND_COOKIE -> {
                drops.count(DropReason.COOKIE_REQUIRED);
                paths.send(new CookieReply(init.senderIndex(), guard.cookieFor(source, now)).encode(allocator), source);
                return;
            }
            case PROCEED -> {
            }
        }
        if (!responders.hasRoom(now)) {
            drops.count(DropReason.HANDSHAKE_TABLE_FULL);
            return;
        }
        HandshakeState noise = new HandshakeState(false, WireFormat.PROLOGUE, noiseStatic);
        byte[] response;
        try {
            noise.readMessage(init.noiseMessage());
            // The responder does not know who the initiator is yet (XX hides it until the third message):
            // its freshness is told in the confirmation instead.
            response = noise.writeMessage(HandshakePayload.encode(proof, false));
        } catch (NoiseException e) {
            drops.count(DropReason.HANDSHAKE_FAILED);
            return;
        }
        int localIndex = indexes.allocate();
        Responder responder = new Responder(localIndex, init.senderIndex(), from, noise, response, now);
        responders.add(sourceKey, responder);
        paths.send(new HandshakeResponse(localIndex, init.senderIndex(), response).encode(allocator), from);
    }

    private void onResponse(HandshakeResponse response, Route from, long now) {
        if (!(indexes.get(response.receiverIndex()) instanceof Initiation initiation)) {
            drops.count(DropReason.UNKNOWN_SESSION);
            return;
        }
        Peer peer = initiation.peer;
        byte[] payload;
        byte[] fin;
        try {
            payload = initiation.noise.readMessage(response.noiseMessage());
        } catch (NoiseException e) {
            // The Noise state is spent; start over so a forged response cannot end the handshake.
            drops.count(DropReason.HANDSHAKE_FAILED);
            restartInitiation(peer, now);
            return;
        }
        IdentityProof remote;
        try {
            remote = checkProof(payload, initiation.noise.remoteStaticPublicKey(), peer).proof();
        } catch (HandshakeRefusedException e) {
            if (!from.isRelayed() && peer.handshakeTargets().size() > 1) {
                // One of several candidate endpoints is someone else (a private address reused on this network,
                // or this very node): forget it and keep trying the others.
                log.debug("{} answered for {} with another key; dropping that endpoint", from, peer.address);
                paths.forgetCandidate(peer, from.direct());
                indexes.remove(initiation.localIndex);
                peer.initiation = null;
                initiate(peer, now, initiation.startedNanos);
                return;
            }
            abandonInitiation(peer, new SessionException("handshake with " + (peer.address == null ? peer.endpoint
                    : peer.address) + " refused: " + e.getMessage()));
            return;
        }
        indexes.remove(initiation.localIndex);
        peer.initiation = null;
        if (peer.address == null) {
            peer = identify(peer, remote.nodeKey());
            if (peer == null) {
                return;
            }
        }
        boolean fresh = needsFreshConnection(peer, remote);
        try {
            fin = initiation.noise.writeMessage(HandshakePayload.encode(proof, fresh));
        } catch (NoiseException e) {
            drops.count(DropReason.HANDSHAKE_FAILED);
            initiate(peer, now, initiation.startedNanos);
            return;
        }
        if (from.isRelayed() && !from.relayed().equals(peer.address)) {
            drops.count(DropReason.UNEXPECTED_KEY);
            abandonInitiation(peer, new SessionException("the relay delivered an answer from " + peer.address
                    + " as coming from " + from.relayed()));
            return;
        }
        SplitKeys keys = initiation.noise.split();
        peer.key = remote.nodeKey();
        paths.takeRoute(peer, from, initiation, now);
        peer.lastReceivedNanos = now;
        Keypair keypair = new Keypair(initiation.localIndex, response.senderIndex(), true, now, peer,
                keys.initiatorToResponder(), keys.responderToInitiator());
        keypair.remoteBootId = remote.bootId();
        keypair.handshakeStartedNanos = initiation.startedNanos;
        keypair.freshConnection = fresh;
        keypair.pendingFinal = fin;
        keypair.finalRetransmitIntervalNanos = settings.handshakeRetransmit().toNanos();
        keypair.nextFinalRetransmitNanos = now + keypair.finalRetransmitIntervalNanos;
        indexes.put(keypair.localIndex, keypair);
        if (peer.current != null && peer.current.usable(now, settings)) {
            indexes.retire(peer.next);
            peer.next = keypair;
        } else {
            indexes.retire(peer.previous);
            peer.previous = peer.current;
            peer.current = keypair;
        }
        sendFinal(peer, keypair);
    }

    /**
     * A peer contacted by endpoint alone has proven its key: file it under its address, merging into the
     * peer already known there (whose pinned key must match). Returns null if refused.
     */
    private Peer identify(Peer provisional, NodeKey key) {
        peers.removeProvisional(provisional);
        PilotAddress address = key.address(realm);
        Peer known = peers.get(address);
        if (known == null) {
            provisional.address = address;
            peers.add(provisional);
            paths.setEndpoint(provisional, provisional.endpoint);
            return provisional;
        }
        if (known.key != null && !known.key.equals(key)) {
            drops.count(DropReason.UNEXPECTED_KEY);
            abandonInitiation(provisional, new SessionException(address + " is pinned to another key than "
                    + provisional.endpoint + " presented"));
            return null;
        }
        known.waiters.addAll(provisional.waiters);
        provisional.waiters.clear();
        return known;
    }

    private void onFinal(HandshakeFinal fin, Route from, long now) {
        Object state = indexes.get(fin.receiverIndex());
        if (state instanceof Keypair keypair && !keypair.initiator) {
            // The initiator repeated its final message: our confirmation was lost. Confirm again.
            sendConfirmation(keypair, now);
            return;
        }
        if (!(state instanceof Responder responder)) {
            drops.count(DropReason.UNKNOWN_SESSION);
            return;
        }
        responders.remove(responder);
        byte[] payload;
        try {
            payload = responder.noise.readMessage(fin.noiseMessage());
        } catch (NoiseException e) {
            drops.count(DropReason.HANDSHAKE_FAILED);
            return;
        }
        byte[] remoteStatic = responder.noise.remoteStaticPublicKey();
        HandshakePayload remotePayload;
        try {
            remotePayload = checkProof(payload, remoteStatic, null);
        } catch (HandshakeRefusedException e) {
            return;
        }
        IdentityProof remote = remotePayload.proof();
        PilotAddress address = remote.nodeKey().address(realm);
        if (from.isRelayed() && !from.relayed().equals(address)) {
            drops.count(DropReason.UNEXPECTED_KEY);
            return;
        }
        Peer peer = peers.get(address);
        if (peer == null) {
            peer = new Peer(address, remote.nodeKey(), null);
            peers.add(peer);
        } else if (peer.key != null && !peer.key.equals(remote.nodeKey())) {
            drops.count(DropReason.UNEXPECTED_KEY);
            return;
        }
        peer.key = remote.nodeKey();
        paths.takeRoute(peer, from, null, now);
        SplitKeys keys = responder.noise.split();
        Keypair keypair = new Keypair(responder.localIndex, responder.remoteIndex, false, now, peer,
                keys.responderToInitiator(), keys.initiatorToResponder());
        keypair.remoteBootId = remote.bootId();
        keypair.handshakeStartedNanos = responder.createdNanos;
        keypair.freshConnection = remotePayload.freshConnection() || needsFreshConnection(peer, remote);
        indexes.put(keypair.localIndex, keypair);
        indexes.retire(peer.previous);
        peer.previous = peer.current;
        peer.current = keypair;
        peer.lastReceivedNanos = now;
        sendConfirmation(keypair, now);
        established(peer, keypair, keypair.freshConnection, now);
    }

    private void onCookie(CookieReply reply, long now) {
        if (!(indexes.get(reply.receiverIndex()) instanceof Initiation initiation)) {
            drops.count(DropReason.UNKNOWN_SESSION);
            return;
        }
        if (Arrays.equals(initiation.message.cookie(), reply.cookie())) {
            return; // already answered with this cookie: a repeated reply must not make us repeat 1200 bytes
        }
        initiation.message = initiation.message.withCookie(reply.cookie());
        Peer peer = initiation.peer;
        sendToAll(initiation.message, peer);
    }

    /** Checks the peer's handshake payload; counts a refusal and throws it. */
    private HandshakePayload checkProof(byte[] payload, byte[] remoteStatic, Peer expected) {
        HandshakePayload decoded;
        try {
            decoded = HandshakePayload.decode(payload);
        } catch (IllegalArgumentException e) {
            return refuse(DropReason.HANDSHAKE_FAILED, "malformed handshake payload: " + e.getMessage());
        }
        IdentityProof remote = decoded.proof();
        if (!remote.verifies(remoteStatic)) {
            return refuse(DropReason.BAD_IDENTITY_SIGNATURE, "the identity signature does not verify");
        }
        if (remote.realm() != realm) {
            return refuse(DropReason.WRONG_REALM, "peer is in realm " + remote.realm() + ", this node in " + realm);
        }
        PilotAddress address = remote.nodeKey().address(realm);
        if (expected != null && expected.address != null) {
            if (expected.key != null && !expected.key.equals(remote.nodeKey())) {
                return refuse(DropReason.UNEXPECTED_KEY, "peer presented key " + remote.nodeKey() + ", expected "
                        + expected.key);
            }
            if (!address.equals(expected.address)) {
                return refuse(DropReason.UNEXPECTED_KEY, "peer's key belongs to address " + address
                        + ", expected " + expected.address);
            }
        }
        if (!accessPolicy.allows(remote.nodeKey(), address)) {
            return refuse(DropReason.NOT_ALLOWED, "access policy refuses " + address);
        }
        return decoded;
    }

    private HandshakePayload refuse(DropReason reason, String why) {
        drops.count(reason);
        log.debug("handshake refused: {}", why);
        throw new HandshakeRefusedException(why);
    }

    /** A handshake refused after its Noise part succeeded: the peer's identity is not acceptable. */
    private static final class HandshakeRefusedException extends RuntimeException {
        HandshakeRefusedException(String why) {
            super(why, null, false, false);
        }
    }

    /** The current connection was made by another handshake that finished while this one was under way. */
    private static boolean crossedWithRecentConnection(Peer peer, Keypair keypair, long now) {
        return peer.connection != null && !peer.connection.isClosed() && peer.remoteBootId == keypair.remoteBootId
                && peer.connectionCreatedNanos > keypair.handshakeStartedNanos;
    }

    /** Whether this side must start a new connection with {@code peer}: it has none, or the peer restarted. */
    private static boolean needsFreshConnection(Peer peer, IdentityProof remote) {
        return peer.connection == null || peer.connection.isClosed() || peer.remoteBootId != remote.bootId();
    }

    private void established(Peer peer, Keypair keypair, boolean newConnection, long now) {
        handshakesCompleted++;
        if (newConnection && crossedWithRecentConnection(peer, keypair, now)) {
            // Both sides initiated at once (a punch, or two first contacts): each handshake asks for a fresh
            // connection, but the one just made by the other handshake is as fresh as a new one would be.
            newConnection = false;
        }
        if (newConnection) {
            peer.connectionCreatedNanos = now;
            peer.connectionGeneration++;
            if (peer.connection != null && !peer.connection.isClosed()) {
                peer.connection.close(0, peer.remoteBootId != keypair.remoteBootId ? "peer restarted"
                        : "peer started a new connection");
            }
            peer.remoteBootId = keypair.remoteBootId;
            boolean even = compareUnsigned(identity.publicKey().toBytes(), peer.key.toBytes()) < 0;
            peer.connection = new Connection(transportConfig, even, events.connectionHandler(peer), now);
        }
        keypair.generation = peer.connectionGeneration;
        events.established(peer, newConnection);
        List<BiConsumer<Peer, Throwable>> waiting = new ArrayList<>(peer.waiters);
        peer.waiters.clear();
        waiting.forEach(w -> w.accept(peer, null));
        flush(peer, now);
    }

    // ---------------------------------------------------------------------------------------------
    // Outbound

    /** Sends whatever the peer's connection has ready, sealed with the current keys. */
    public void flush(Peer peer) {
        flush(peer, System.nanoTime());
    }

    private void flush(Peer peer, long now) {
        Connection connection = peer.connection;
        if (connection == null || closed) {
            return;
        }
        Keypair keypair = peer.sendingKeypair(now, settings);
        if (keypair == null) {
            initiate(peer, now);
            return;
        }
        boolean wrote = false;
        DatagramBatch batch = null;
        while (true) {
            sendBuffer.clear();
            int length = connection.poll(now, sendBuffer);
            if (length <= 0) {
                break;
            }
            sendBuffer.flip();
            wrote = true;
            boolean full = length == WireFormat.MAX_DATA_PLAINTEXT;
            if (batch == null && !(full && segmentationOffload && !peer.relayed)) {
                // Full datagrams are sealed on the heap (the JDK's AES-GCM is fastest on arrays); small ones
                // go straight into direct memory, saving the channel a copy on the latency-bound path.
                ByteBuf datagram = full ? allocator.heapBuffer(WireFormat.MAX_DATAGRAM)
                        : allocator.directBuffer(length + WireFormat.DATA_HEADER_LENGTH + WireFormat.TAG_LENGTH);
                keypair.seal(datagram, sendBuffer);
                peer.bytesOut += datagram.readableBytes();
                paths.write(datagram, peer);
                continue;
            }
            if (batch == null) {
                batch = new DatagramBatch(allocator, peer.endpoint);
            }
            peer.bytesOut += batch.append(keypair, sendBuffer);
            // Only the last segment of a batch may be shorter than the others.
            if (!full || batch.isFull()) {
                batch.writeTo(channel);
                batch = null;
            }
        }
        if (batch != null) {
            batch.writeTo(channel);
        }
        if (wrote) {
            peer.lastSentNanos = now;
            channel.flush();
            if (keypair.sentPackets() >= settings.rekeyAfterMessages() && peer.next == null) {
                initiate(peer, now);
            }
        }
        if (connection.isClosed()) {
            connectionEnded(peer);
            return;
        }
        scheduleTimer(peer, connection.nextDeadlineNanos(), now);
    }

    private void scheduleTimer(Peer peer, long deadline, long now) {
        if (deadline == Long.MAX_VALUE || deadline >= peer.timerDeadline) {
            return;
        }
        if (peer.timer != null) {
            peer.timer.cancel(false);
        }
        peer.timerDeadline = deadline;
        peer.timer = loop.schedule(() -> onTimer(peer), Math.max(0, deadline - now), TimeUnit.NANOSECONDS);
    }

    private void onTimer(Peer peer) {
        peer.timer = null;
        peer.timerDeadline = Long.MAX_VALUE;
        Connection connection = peer.connection;
        if (connection == null || closed) {
            return;
        }
        long now = System.nanoTime();
        if (now >= connection.nextDeadlineNanos()) {
            connection.onTimeout(now);
        }
        flush(peer, now);
    }

    /** The connection told its handler it closed; forget it so the next use starts a new one. */
    private void connectionEnded(Peer peer) {
        if (peer.timer != null) {
            peer.timer.cancel(false);
            peer.timer = null;
            peer.timerDeadline = Long.MAX_VALUE;
        }
        peer.connection = null;
    }

    private void sendFinal(Peer peer, Keypair keypair) {
        paths.send(new HandshakeFinal(keypair.remoteIndex, keypair.pendingFinal).encode(allocator), peer.route());
    }

    /**
     * The responder's one-byte DATA packet: proves to the initiator that the responder has the new keys,
     * and says whether the responder started a new connection (flag {@link #FRESH_CONNECTION}).
     */
    private void sendConfirmation(Keypair keypair, long now) {
        sendBuffer.clear();
        sendBuffer.put((byte) (keypair.freshConnection ? FRESH_CONNECTION : 0)).flip();
        ByteBuf datagram = allocator.heapBuffer(WireFormat.DATA_HEADER_LENGTH + CONFIRMATION_LENGTH + WireFormat.TAG_LENGTH);
        keypair.seal(datagram, sendBuffer);
        paths.send(datagram, keypair.peer.route());
        keypair.peer.lastSentNanos = now;
    }

    private void initiate(Peer peer, long now) {
        initiate(peer, now, now);
    }

    private void initiate(Peer peer, long now, long startedNanos) {
        boolean viaRelay = paths.handshakeViaRelay(peer);
        if (peer.initiation != null || awaitingConfirmation(peer) || peer.handshakeTargets().isEmpty() && !viaRelay || closed) {
            return;
        }
        HandshakeState noise = new HandshakeState(true, WireFormat.PROLOGUE, noiseStatic);
        byte[] first;
        try {
            first = noise.writeMessage(new byte[0]);
        } catch (NoiseException e) {
            throw new IllegalStateException("cannot write a first handshake message", e);
        }
        int index = indexes.allocate();
        HandshakeInit init = new HandshakeInit(index, first, new byte[WireFormat.COOKIE_LENGTH]);
        peer.initiation = new Initiation(peer, index, noise, init, startedNanos, now, settings.handshakeRetransmit().toNanos());
        indexes.put(index, peer.initiation);
        sendToAll(init, peer);
        if (viaRelay) {
            paths.send(init.encode(allocator), Route.relayed(peer.address));
        }
    }

    private void sendToAll(HandshakeInit init, Peer peer) {
        for (InetSocketAddress target : peer.handshakeTargets()) {
            paths.send(init.encode(allocator), target);
        }
    }

    private static boolean awaitingConfirmation(Peer peer) {
        return peer.current != null && !peer.current.confirmed || peer.next != null && !peer.next.confirmed;
    }

    /** Starts over with fresh Noise state, keeping the original start time so the connect timeout still holds. */
    private void restartInitiation(Peer peer, long now) {
        Initiation old = peer.initiation;
        indexes.remove(old.localIndex);
        peer.initiation = null;
        initiate(peer, now, old.startedNanos);
    }

    private void abandonInitiation(Peer peer, Throwable cause) {
        if (peer.initiation != null) {
            indexes.remove(peer.initiation.localIndex);
            peer.initiation = null;
        }
        List<BiConsumer<Peer, Throwable>> waiting = new ArrayList<>(peer.waiters);
        peer.waiters.clear();
        waiting.forEach(w -> w.accept(peer, cause));
    }

    // ---------------------------------------------------------------------------------------------
    // Timers

    private void tick() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        for (Peer peer : new ArrayList<>(peers.all())) {
            tick(peer, now);
        }
        for (Peer peer : new ArrayList<>(peers.provisional())) {
            tick(peer, now);
            if (peer.initiation == null) {
                peers.removeProvisional(peer);
            }
        }
        responders.expire(now);
    }

    private void tick(Peer peer, long now) {
        Initiation initiation = peer.initiation;
        if (initiation != null) {
            if (now - initiation.startedNanos >= settings.connectTimeout().toNanos()) {
                abandonInitiation(peer, new SessionException("no handshake answer from " + peer.address + " at "
                        + peer.handshakeTargets() + (paths.canRelay(peer) ? " nor through the relay" : paths.relayAllowed()
                        ? " (no relay known)" : " (direct only: relaying is off)") + " within "
                        + settings.connectTimeout().toMillis() + " ms"));
            } else if (now >= initiation.nextRetransmitNanos) {
                sendToAll(initiation.message, peer);
                if (paths.relayFallback(peer, initiation, now)) {
                    paths.send(initiation.message.encode(allocator), Route.relayed(peer.address));
                }
                initiation.retransmitIntervalNanos = Math.min(MAX_RETRANSMIT_INTERVAL, initiation.retransmitIntervalNanos * 2);
                initiation.nextRetransmitNanos = now + initiation.retransmitIntervalNanos;
            }
        }
        for (Keypair keypair : Arrays.asList(peer.current, peer.next)) {
            if (keypair == null || keypair.confirmed) {
                continue;
            }
            if (keypair.ageNanos(now) >= settings.connectTimeout().toNanos()) {
                unconfirmed(peer, keypair);
            } else if (now >= keypair.nextFinalRetransmitNanos) {
                sendFinal(peer, keypair);
                keypair.finalRetransmitIntervalNanos = Math.min(MAX_RETRANSMIT_INTERVAL, keypair.finalRetransmitIntervalNanos * 2);
                keypair.nextFinalRetransmitNanos = now + keypair.finalRetransmitIntervalNanos;
            }
        }
        expireKeypairs(peer, now);
        paths.probeIfDue(peer, now);
        Keypair current = peer.current;
        if (peer.connection != null && peer.initiation == null && peer.next == null) {
            boolean old = current == null || needsRekey(current, now);
            boolean stale = peer.lastSentNanos - peer.lastReceivedNanos > settings.staleAfter().toNanos();
            if (old || stale) {
                initiate(peer, now);
            }
        }
    }

    /**
     * The responder never confirmed keys it answered for: it refused this node after the Noise handshake
     * (realm, access policy, a key pinned to another node) or its confirmations are all lost.
     */
    private void unconfirmed(Peer peer, Keypair keypair) {
        indexes.retire(keypair);
        if (peer.current == keypair) {
            peer.current = null;
        } else {
            peer.next = null;
        }
        abandonInitiation(peer, new SessionException(peer.address + " at " + peer.endpoint
                + " answered the handshake but did not confirm the session within "
                + settings.connectTimeout().toMillis() + " ms: it may refuse this node (realm, access policy)"));
    }

    private boolean needsRekey(Keypair keypair, long now) {
        long age = keypair.ageNanos(now);
        long rekey = settings.rekeyAfterTime().toNanos();
        // The initiator of the current keys rekeys on time; the responder only if the initiator did not,
        // which keeps both sides from starting crossing handshakes at the same moment.
        return keypair.initiator ? age >= rekey : age >= rekey + settings.handshakeRetransmit().toNanos() * 40;
    }

    private void expireKeypairs(Peer peer, long now) {
        if (peer.previous != null && !peer.previous.usable(now, settings)) {
            indexes.retire(peer.previous);
            peer.previous = null;
        }
        if (peer.next != null && !peer.next.usable(now, settings)) {
            indexes.retire(peer.next);
            peer.next = null;
        }
        if (peer.current != null && !peer.current.usable(now, settings)) {
            indexes.retire(peer.current);
            peer.current = null;
        }
    }




    /** Closes every connection (telling peers) and stops all timers. */
    public void close() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        for (Peer peer : peers.all()) {
            if (peer.connection != null && !peer.connection.isClosed()) {
                peer.connection.close(0, "node shutting down");
                flush(peer, now);
            }
            abandonInitiation(peer, new SessionException("node is closed"));
        }
        closed = true;
    }

    private static int compareUnsigned(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }
}
