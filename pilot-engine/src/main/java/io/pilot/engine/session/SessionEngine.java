package io.pilot.engine.session;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.transport.TransportError;
import io.pilot.engine.wire.CookieReply;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.ForwardPacket;
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
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secure session layer of a node: runs Noise XX handshakes, keeps every peer's key pairs, seals and
 * opens DATA packets, and drives each peer's reliable {@link Connection}. One instance per node, confined
 * to the event loop of the node's UDP channel: every method must be called on it.
 *
 * <p>This class is the layer's face and its data path: the peer table, dispatch of each received packet
 * to the room that handles it, opening DATA, and flushing connections. The rooms: {@link Handshakes}
 * (with {@link ProofCheck} and {@link Establishment}), {@link Paths} (with {@link RelayForwarder}),
 * {@link KeyTimers}, and the {@link IndexTable}. See {@code docs/PROTOCOL.md}, "Secure sessions", for the
 * message flow and every timer.
 */
public final class SessionEngine {

    private static final Logger log = LoggerFactory.getLogger(SessionEngine.class);
    /** A transport packet starts with its 8-byte packet number. */
    private static final int MIN_TRANSPORT_PACKET = 8;

    private final EventLoop loop;
    private final Channel channel;
    private final PilotAddress localAddress;
    private final long bootId;
    private final SessionSettings settings;
    private final DropCounters drops;

    private final IndexTable indexes;
    private final PeerTable peers = new PeerTable();
    private final Set<Peer> readDirty = new LinkedHashSet<>();
    /** Peers whose flush is held back while {@link #sendingToMany} runs its sends. */
    private final Set<Peer> held = new LinkedHashSet<>();
    private boolean holding;
    /**
     * Whether a received datagram is being handled: a flush asked for meanwhile (an answer written on the loop, such
     * as a backbone's lookup reply) joins the read batch's, so the answers to a whole recvmmsg batch share packets,
     * seals and one system call instead of a datagram, a seal and a {@code sendto} each.
     */
    private boolean receiving;
    /** Where each DATA datagram is opened in place; its position and limit then frame the plaintext. */
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(WireFormat.MAX_LARGE_DATAGRAM);
    private final Paths paths;
    private final Sender writer;
    private Predicate<InetSocketAddress> reliableBearer = endpoint -> false;
    private int largestDatagram = WireFormat.MAX_DATAGRAM;
    private ToIntFunction<InetSocketAddress> largestOverStream = endpoint -> WireFormat.MAX_RELAY_DATAGRAM;
    private final RelayForwarder relay;
    private final Establishment establishment;
    private final Handshakes handshakes;
    private final EndedNotices endedNotices;
    private final KeyTimers timers;
    /** Wakes the loop for the timers' tick when something is due. */
    private final TickAlarm tickAlarm;
    private long probesReceived;
    private boolean closed;

    /**
     * @param segmentationOffload whether full-size datagrams to one peer may leave as one UDP GSO write
     *        (the channel must support {@code SegmentedDatagramPacket})
     */
    /** Seals and writes what a peer's connection has ready: the data path's last step ({@link DatagramWriter}). */
    interface Sender {

        /** @return whether anything was sent */
        boolean send(Peer peer, Connection connection, Keypair keypair, long now);
    }

    public SessionEngine(Channel channel, Identity identity, int realm, SessionSettings settings,
            TransportConfig transportConfig, AccessPolicy accessPolicy, SessionEvents events, DropCounters drops,
            SecureRandom random, boolean segmentationOffload) {
        this(channel, identity, realm, settings, transportConfig, accessPolicy, events, drops, random,
                segmentationOffload, writer -> writer);
    }

    /**
     * As the public constructor, with the data path's sender wrapped by {@code sendVia}: the test seam through
     * which a test makes one peer's flush fail (nothing known does any more) to show that the failure stays
     * with that peer. A node always passes the {@link DatagramWriter} through unchanged.
     */
    SessionEngine(Channel channel, Identity identity, int realm, SessionSettings settings,
            TransportConfig transportConfig, AccessPolicy accessPolicy, SessionEvents events, DropCounters drops,
            SecureRandom random, boolean segmentationOffload, UnaryOperator<Sender> sendVia) {
        this.loop = channel.eventLoop();
        this.channel = channel;
        this.localAddress = identity.publicKey().address(realm);
        this.settings = settings;
        this.drops = drops;
        this.bootId = random.nextLong();
        this.indexes = new IndexTable(random);
        Responders responders = new Responders(indexes, settings.maxPendingHandshakes());
        this.paths = new Paths(channel, settings, random);
        this.endedNotices = new EndedNotices(paths);
        this.writer = sendVia.apply(new DatagramWriter(channel, paths, segmentationOffload));
        this.relay = new RelayForwarder(channel, segmentationOffload, paths, peers, settings, drops,
                () -> new ForwardingSeal(identity, realm));
        relay.carries(this::largestDatagramTo);
        this.establishment = new Establishment(identity.publicKey(), transportConfig, events, this::flush);
        this.handshakes = new Handshakes(identity, realm, bootId, settings, drops, random,
                new ProofCheck(realm, accessPolicy, drops, this::keyMet), indexes, responders, peers, paths, establishment,
                // Scheduled, not executed: a scheduled task waits for the loop's next look at the socket, where one
                // executed from a task could run again and again before it (Netty checks its time only every 64 tasks).
                turn -> loop.schedule(() -> runInitTurn(turn), 1, TimeUnit.NANOSECONDS), loop.ticker()::nanoTime);
        this.timers = new KeyTimers(settings, peers, responders, indexes, handshakes, paths);
        this.tickAlarm = new TickAlarm(loop, timers::nextTickDue, timers::tick);
    }

    public PilotAddress localAddress() {
        return localAddress;
    }

    public long bootId() {
        return bootId;
    }

    public long handshakesCompleted() {
        return establishment.completed();
    }

    /** INITs let through by their guard and not answered yet ({@link InitBacklog}). */
    int initsWaiting() {
        return handshakes.initsWaiting();
    }

    public Collection<Peer> peers() {
        return peers.all();
    }

    public Peer peer(PilotAddress address) {
        return peers.get(address);
    }

    /** The key pinned for a peer met before, for {@link ProofCheck}; null if none. */
    private NodeKey keyMet(PilotAddress address) {
        Peer peer = peers.get(address);
        return peer == null ? null : peer.key;
    }

    /** Every known peer's last published {@link PeerSnapshot}, for any thread. */
    public PeerSnapshots snapshots() {
        return peers.snapshots();
    }

    /**
     * Which endpoints' datagrams ride a reliable bearer (a WebSocket over TCP), so the transport does not probe
     * sooner than the bearer retransmits ({@code Connection.carriedReliably}). Set before start.
     */
    public void reliableBearer(Predicate<InetSocketAddress> reliable) {
        this.reliableBearer = reliable;
    }

    /**
     * The largest datagram the socket may send ({@code UdpSocket.largestDatagram}): above the base size, each
     * UDP path's connection (direct, or relayed end to end) searches for the size that path carries. Set before start.
     */
    public void largestDatagram(int bytes) {
        this.largestDatagram = bytes;
    }

    /**
     * The largest datagram a stream bearer's other end takes in one frame ({@code StreamBearers}), for endpoints
     * that {@link #reliableBearer} says ride one. Set before start.
     */
    public void largestOverStream(ToIntFunction<InetSocketAddress> largest) {
        this.largestOverStream = largest;
    }

    /**
     * The largest datagram this node may send to {@code endpoint} without fragmenting: over UDP what the socket
     * allows (never below a relayed datagram of the base size), over a stream bearer what its other end takes.
     */
    private int largestDatagramTo(InetSocketAddress endpoint) {
        return reliableBearer.test(endpoint) ? largestOverStream.applyAsInt(endpoint)
                : Math.max(largestDatagram, WireFormat.MAX_RELAY_DATAGRAM);
    }

    public void pathSettings(PathSettings settings) {
        paths.settings(settings);
    }

    /** Passes datagrams between nodes that both hold a session with this one (the backbone does). */
    public void serveAsRelay(boolean serve) {
        relay.serve(serve);
    }

    /** Relays only for senders {@code admitted} names (a backbone with a join token: registered nodes). */
    public void relayOnlyFor(Predicate<PilotAddress> admitted) {
        relay.admit(admitted);
    }

    /**
     * As one of several backbones of a realm: where to pass relayed datagrams for nodes attached to the others
     * (they all hold this node's identity, whose key tags what they pass to each other).
     */
    public void relayAcrossBackbones(BackboneRoutes routes) {
        relay.routes(routes);
    }

    /** Of {@link #relayedBytes()}, those passed to other backbones of the realm for their nodes. */
    public long forwardedBytes() {
        return relay.forwardedBytes();
    }

    /** The relay this node uses when a peer cannot be reached directly: its endpoint and address. */
    public void useRelay(InetSocketAddress endpoint, PilotAddress address) {
        paths.useRelay(endpoint, address);
    }

    /** Bytes this node passed on as a relay. */
    public long relayedBytes() {
        return relay.relayedBytes();
    }

    /** Peers told that the connection their datagrams were for had ended here ({@link EndedNotices}). */
    public long endedNoticesSent() {
        return endedNotices.sent();
    }

    /** Connections ended because the peer said it had ended its side ({@link EndedNotices}). */
    public long endedNoticesReceived() {
        return endedNotices.received();
    }

    /** Path probes received from peers: empty DATA packets and path frames (challenges and responses). */
    public long probesReceived() {
        return probesReceived;
    }

    /** Half-open responder handshakes and INITs waiting to become one ({@link InitBacklog}), for memory bounds. */
    public int pendingHandshakes() {
        return handshakes.pending();
    }

    /**
     * Peers the session clock has visited so far (a visit fires a peer's due timers): grows with the timers
     * that come due, not with the size of the peer table, which no tick walks.
     */
    public long timerVisits() {
        return timers.visits();
    }

    /** Relayed datagrams from a peer on its direct path, processed without a challenge ({@link Paths#roam}). */
    public long relayedWhileDirect() {
        return paths.relayedWhileDirect();
    }

    /** Times the session timers woke the loop ({@link TickAlarm}): only when something was due. */
    public long timerTicks() {
        return tickAlarm.ticks();
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
    public Peer addPeer(PilotAddress address, NodeKey key, List<InetSocketAddress> candidates, boolean switchEndpoint) {
        if (key != null && !key.address(address.realm()).equals(address)) {
            throw new IllegalArgumentException("key " + key + " belongs to address " + key.address(address.realm())
                    + ", not " + address);
        }
        // Candidates this socket cannot send to (an IPv6 one from an IPv4-bound node) would only fail.
        List<InetSocketAddress> endpoints = paths.reach().reachable(candidates);
        Peer peer = peers.get(address);
        if (peer == null) {
            peer = new Peer(address, key, null);
            peer.candidates = List.copyOf(endpoints);
            peers.add(peer);
            if (!endpoints.isEmpty()) {
                paths.setEndpoint(peer, endpoints.get(0));
            }
            reschedule(peer, System.nanoTime()); // its idle clock starts at the next tick
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
        SocketReach reach = paths.reach();
        if (!reach.reaches(endpoint)) {
            callback.accept(null, new SessionException(reach.whyNot(endpoint)));
            return;
        }
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
            handshakes.initiate(peer, now);
            reschedule(peer, now);
        }
    }

    /** Handles one received datagram; {@link #readComplete} sends what the batch it belongs to made ready. */
    public void receive(InboundPacket inbound) {
        receiving = true;
        try {
            receive(inbound, System.nanoTime());
        } finally {
            receiving = false;
        }
    }

    private void receive(InboundPacket inbound, long now) {
        if (inbound.packet() instanceof RelayPacket relay) {
            try {
                onRelay(relay, inbound.sender(), now);
            } finally {
                relay.release();
            }
            return;
        }
        if (inbound.packet() instanceof ForwardPacket forward) {
            try {
                onForward(forward, now);
            } finally {
                forward.release();
            }
            return;
        }
        dispatch(inbound.packet(), Route.direct(inbound.sender()), now);
    }

    private void dispatch(WirePacket packet, Route from, long now) {
        if (packet instanceof DataPacket data) {
            try {
                onData(data, from, now);
            } finally {
                data.release();
            }
        } else {
            dispatchHandshake(packet, from, now);
        }
    }

    private void dispatchHandshake(WirePacket packet, Route from, long now) {
        // Only the peer whose index a message names can have its timers moved by it: that peer is rescheduled.
        // An INIT touches the half-open responders alone, a cookie reply repeats the INIT on the same schedule.
        if (packet instanceof HandshakeInit init) {
            handshakes.onInit(init, from, now);
        } else if (packet instanceof HandshakeResponse response) {
            timers.rescheduleAround(response.receiverIndex(), now, () -> handshakes.onResponse(response, from, now));
        } else if (packet instanceof HandshakeFinal fin) {
            timers.rescheduleAround(fin.receiverIndex(), now, () -> handshakes.onFinal(fin, from, now));
        } else if (packet instanceof CookieReply cookie) {
            handshakes.onCookie(cookie, from, now);
        }
        tickAlarm.update();
    }

    /** A turn of the INIT backlog: it may answer INITs, whose half-open responders the tick must come to expire. */
    private void runInitTurn(Runnable turn) {
        turn.run();
        tickAlarm.update();
    }

    /** Files {@code peer} at its next due time if that came forward, and wakes the loop for it when it comes. */
    private void reschedule(Peer peer, long now) {
        timers.reschedule(peer, now);
        tickAlarm.update();
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
        // A direct-only node takes nothing through the relay: not a new session (onInit refuses those too), nor the
        // relayed packets of a session it has, which would move that session onto the relay.
        if (!paths.isRelay(sender) || !paths.relayAllowed()) {
            drops.count(DropReason.NOT_ALLOWED);
            return;
        }
        WireCodec.Result inner = WireCodec.decode(relay.inner());
        if (inner.packet() == null) {
            drops.count(inner.drop());
            return;
        }
        dispatch(inner.packet(), Route.relayed(relay.address()), now);
    }

    /** A datagram another backbone of the realm passes on for a node attached to this one. */
    private void onForward(ForwardPacket forward, long now) {
        if (forward.nestingProblem() != null) {
            drops.count(forward.nestingProblem());
            return;
        }
        relay.deliverForwarded(forward, now);
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
        DropReason refused = keypair.open(data, receiveBuffer);
        if (refused != null) {
            drops.count(refused);
            return;
        }
        Peer peer = keypair.peer;
        DropReason misrouted = paths.roam(peer, keypair, from, data.datagram().readableBytes(), now);
        if (misrouted != null) {
            drops.count(misrouted);
            return;
        }
        if (!peer.pendingPaths.isEmpty()) {
            reschedule(peer, now);
        }
        peer.lastReceivedNanos = now;
        peer.bytesIn += data.datagram().readableBytes();
        int length = receiveBuffer.remaining();
        if (length != 0 && length != Paths.PATH_FRAME_LENGTH) {
            paths.heardTraffic(peer, from, now);
        }
        if (length == 0) {
            probesReceived++; // an empty probe: it authenticated, which is all it does
        } else if (length == Handshakes.CONFIRMATION_LENGTH) {
            handshakes.onConfirmation(keypair, receiveBuffer, now);
            reschedule(peer, now);
        } else if (length == Paths.PATH_FRAME_LENGTH) {
            probesReceived++;
            paths.onPathFrame(peer, keypair, from, receiveBuffer, now);
            reschedule(peer, now);
        } else if (length == EndedNotices.LENGTH && endedNotices.onOneByte(peer, keypair, receiveBuffer)) {
            // an ended notice: handled
        } else if (length < MIN_TRANSPORT_PACKET) {
            drops.count(DropReason.TRUNCATED);
        } else if (Establishment.carriesConnection(peer, keypair)) {
            peer.connection.receive(receiveBuffer, now);
        } else {
            // Keys of a connection that was replaced (or not yet confirmed): its packets must not reach the new one.
            // If it ended here with no newer one, the peer is told, so that it starts over now.
            drops.count(DropReason.STALE_CONNECTION);
            endedNotices.onStale(peer, keypair, from, now);
        }
        // Answer once per batch of datagrams read, not once per datagram: acknowledgements and replies
        // for a whole recvmmsg batch then share packets and system calls.
        readDirty.add(peer);
    }

    /**
     * The channel finished a batch of reads: send what the batch made ready. INITs the batch let through are
     * answered afterwards, in turns scheduled on the loop ({@link InitBacklog}).
     */
    public void readComplete() {
        relay.flush();
        if (readDirty.isEmpty()) {
            return;
        }
        flushAll(readDirty, System.nanoTime());
    }

    /**
     * Runs {@code sends} (on the loop) with every flush they ask for held back, then sends what each peer they
     * touched has ready and flushes the channel once: what a fan-out to many peers writes then reaches the socket
     * in as few system calls as it allows ({@code sendmmsg} with epoll), not one per peer.
     */
    public void sendingToMany(Runnable sends) {
        if (holding) { // nested: the outer call flushes
            sends.run();
            return;
        }
        holding = true;
        try {
            sends.run();
        } finally {
            holding = false;
            flushAll(held, System.nanoTime());
        }
    }

    /** Sends what each of {@code dirty} has ready, emptying it, then flushes the channel once. */
    private void flushAll(Set<Peer> dirty, long now) {
        // Each peer leaves the set before its flush, so that one peer's failure can neither leave it in the set
        // (to fail again at every later batch) nor keep the peers after it from being flushed.
        while (!dirty.isEmpty()) {
            Iterator<Peer> next = dirty.iterator();
            Peer peer = next.next();
            next.remove();
            flushIsolated(peer, now);
        }
        channel.flush();
    }

    /** Flushes one peer; an exception closes that peer's connection only, with the exception as the reason. */
    private void flushIsolated(Peer peer, long now) {
        try {
            flush(peer, now);
        } catch (RuntimeException e) {
            log.warn("closing the connection to {} after an exception while sending", peer.address(), e);
            Connection connection = peer.connection;
            if (connection != null && !connection.isClosed()) {
                connection.close(TransportError.INTERNAL_ERROR, "internal error while sending: " + e);
            }
            connectionEnded(peer);
        }
    }

    /**
     * Sends whatever the peer's connection has ready, sealed with the current keys; within {@link #sendingToMany},
     * when its sends are done; while a received datagram is handled, with the read batch ({@link #readComplete}).
     */
    public void flush(Peer peer) {
        if (holding) {
            held.add(peer);
            return;
        }
        if (receiving) {
            readDirty.add(peer); // sent with the read batch, by readComplete
            return;
        }
        flush(peer, System.nanoTime());
        channel.flush();
    }

    /** Writes what the peer's connection has ready, without flushing the channel: the callers flush once. */
    private void flush(Peer peer, long now) {
        sendReady(peer, now);
        // Acknowledgements just taken may have moved the RTT, a timer may have closed the connection.
        peer.publish();
    }

    private void sendReady(Peer peer, long now) {
        Connection connection = peer.connection;
        if (connection == null || closed) {
            return;
        }
        Keypair keypair = peer.dataKeypair(now, settings);
        if (keypair == null) {
            handshakes.initiate(peer, now);
            reschedule(peer, now);
            return;
        }
        InetSocketAddress via = peer.relayed ? paths.relayEndpoint() : peer.endpoint;
        boolean reliable = reliableBearer.test(via);
        connection.carriedReliably(reliable);
        // Direct UDP paths and relayed ones search for larger datagrams, through the relay end to end (the relay drops
        // what the hop past it cannot carry); a direct stream bearer frames its own and stays at the base.
        int largest = !reliable ? largestDatagram : peer.relayed ? largestOverStream.applyAsInt(via) : 0;
        // Through a relay, the relay's receive slots and the peer's may each grow on a first larger probe, losing it.
        connection.datagramPath(via, largest,
                WireFormat.DATA_OVERHEAD + (peer.relayed ? WireFormat.RELAY_HEADER_LENGTH : 0), peer.relayed ? 1 : 0);
        if (writer.send(peer, connection, keypair, now)) {
            peer.lastSentNanos = now;
            if (keypair.sentPackets() >= settings.rekeyAfterMessages() && peer.next == null) {
                handshakes.initiate(peer, now);
            }
            reschedule(peer, now); // a rekey may have started, or the peer may now be stale
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
        long deadline = connection.nextDeadlineNanos();
        if (now < deadline && !connection.isClosed()) {
            // The deadline this timer was armed for moved later (a timer is never moved later, only earlier): an
            // acknowledgement took the loss timer away, traffic pushed the keepalive on. Nothing is due and nothing
            // was held back for a timer, so arm the new deadline and send nothing. At rest this is one firing per
            // heartbeat of every session (the reply's loss timer, cleared by the client's ACK), and a flush cost
            // more than the re-arming. A closed connection has no deadline and goes on to the flush that ends it.
            scheduleTimer(peer, deadline, now);
            return;
        }
        connection.onTimeout(now);
        flushIsolated(peer, now);
        channel.flush();
    }

    /** The connection told its handler it closed; forget it so the next use starts a new one. */
    private void connectionEnded(Peer peer) {
        if (peer.timer != null) {
            peer.timer.cancel(false);
            peer.timer = null;
            peer.timerDeadline = Long.MAX_VALUE;
        }
        peer.connection = null;
        reschedule(peer, System.nanoTime()); // without a connection it may now be idle
        peer.publish();
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
            handshakes.abandon(peer, new SessionException("node is closed"));
        }
        channel.flush();
        handshakes.stop();
        tickAlarm.stop();
        closed = true;
    }
}
