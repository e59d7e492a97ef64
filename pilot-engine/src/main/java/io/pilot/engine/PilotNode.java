package io.pilot.engine;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.address.Ports;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.IdentityStore;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.BlockingItems;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.MessageService;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.message.ReplyFuture;
import io.pilot.engine.message.StreamCredit;
import io.pilot.engine.net.Impairment;
import io.pilot.engine.net.NodeChannelInitializer;
import io.pilot.engine.net.SharedEventLoops;
import io.pilot.engine.net.ProxySettings;
import io.pilot.engine.net.StreamBearers;
import io.pilot.engine.net.StreamCounters;
import io.pilot.engine.net.TlsFiles;
import io.pilot.engine.net.UdpSocket;
import io.pilot.engine.session.AccessPolicy;
import io.pilot.engine.session.BackboneRoutes;
import io.pilot.engine.session.PathSettings;
import io.pilot.engine.session.PeerSnapshot;
import io.pilot.engine.session.PeerSnapshots;
import io.pilot.engine.session.SessionEngine;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.stun.StunClientHandler;
import io.pilot.engine.stun.StunServerHandler;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.DropCounters;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Pilot node: one identity, one permanent address, one UDP socket carrying end-to-end encrypted
 * sessions to every peer, and the ports it serves.
 *
 * <pre>{@code
 * try (PilotNode node = PilotNode.builder().identityPath(Path.of("node.key")).build().start()) {
 *     node.listen(1001, MessageHandler.of(in -> Message.of("hello " + in.from())));
 *     node.connect(otherKey, new InetSocketAddress("10.0.0.2", 7400)).join();
 *     Message reply = node.request(new PilotSocketAddress(otherKey.address(0), 1001), Message.of("hi")).join();
 * }
 * }</pre>
 *
 * <p>Every method is thread-safe. Futures are {@link ReplyFuture}s: a thread blocked in {@code join()} or
 * {@code get()} is woken straight from the network thread, and dependents never run on that thread (they run
 * on the woken caller's thread or the node's callback executor); message handlers run on its handler executor.
 */
public final class PilotNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PilotNode.class);

    /** How long close() lets streams in progress finish before it closes the sessions. */
    private static final Duration CLOSE_DRAIN = Duration.ofSeconds(2);

    private final NodeSettings settings;
    private final Identity identity;
    private final DropCounters drops = new DropCounters();
    private final NodeExecutors executors;
    private final SessionListeners sessionListeners;
    private final NodeLoop loop = new NodeLoop();
    private final PeerSessions sessions;
    private final StunServerHandler stun;
    private final StunClientHandler stunClient = new StunClientHandler();
    private final StreamBearers streams = new StreamBearers();
    private volatile InetSocketAddress relayEndpoint;
    private volatile PilotAddress relayAddress;
    // Set by start(), before loop.open(): read only once the loop is open.
    private UdpSocket socket;
    private SessionEngine engine;
    private MessageService messages;
    private ReflexiveAddressLookup reflexive;
    /** Read by any thread without the loop: null until started. */
    private volatile PeerSnapshots snapshots;

    private PilotNode(NodeSettings settings) {
        this.settings = settings;
        this.identity = settings.identity() != null ? settings.identity()
                : IdentityStore.loadOrCreate(settings.identityPath(), settings.random());
        this.executors = new NodeExecutors(settings.handlerExecutor());
        this.sessionListeners = new SessionListeners(executors.callbacks());
        this.sessions = new PeerSessions(loop, executors);
        this.stun = settings.answerStun() ? new StunServerHandler() : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the UDP socket and starts serving (the echo service on {@link Ports#ECHO} and the discard service
     * on {@link Ports#DISCARD} included).
     *
     * @throws IllegalStateException if the socket cannot be bound, naming the address and the cause
     */
    public synchronized PilotNode start() {
        if (loop.isStarted()) {
            throw new IllegalStateException("node already started");
        }
        try {
            socket = UdpSocket.register(settings.socketBufferBytes(), settings.receiveCoalescing(),
                    new NodeChannelInitializer(settings.impairment(), stunClient, stun, drops, streams),
                    settings.eventLoops());
            messages = new MessageService(socket.loop(), executors.handlers(), executors.callbacks(),
                    settings.maxMessageSize(), settings.exposeErrorDetails(), settings.replyCoalescingWindow(),
                    settings.maxInboundBuffered(), sessionListeners::established, sessionListeners::closed);
            // Segments cannot pass the impairment stage, which judges datagram by datagram.
            boolean gso = socket.supportsSegmentationOffload() && settings.impairment().isNone();
            engine = new SessionEngine(socket.channel(), identity, settings.realm(), settings.sessionSettings(),
                    settings.transportConfig(), settings.accessPolicy(), messages, drops, settings.random(), gso);
            messages.attach(engine);
            snapshots = engine.snapshots();
            sessions.attach(engine);
            engine.pathSettings(settings.pathSettings());
            engine.reliableBearer(streams::carriedOverStream);
            engine.largestOverStream(streams::largestOverStream);
            engine.largestDatagram(socket.largestDatagram());
            messages.listenInline(Ports.ECHO, in -> in.message());
            messages.listenInline(Ports.DISCARD, in -> Message.of(
                    ByteBuffer.allocate(Long.BYTES).putLong(in.message().body().length).array()));
            reflexive = new ReflexiveAddressLookup(socket.channel(), stunClient);
            socket.bind(settings.bindAddress(), engine);
        } catch (Exception e) {
            shutdownResources();
            throw new IllegalStateException("cannot bind UDP " + settings.bindAddress() + ": " + e.getMessage(), e);
        }
        loop.open(socket.loop());
        log.info("Pilot node {} listening on UDP {} ({})", address(), HostPort.format(localEndpoint()), socket.transportName());
        return this;
    }

    /** This node's address: its realm and the node number derived from its key. */
    public PilotAddress address() {
        return identity.publicKey().address(settings.realm());
    }

    public NodeKey publicKey() {
        return identity.publicKey();
    }

    public Identity identity() {
        return identity;
    }

    /**
     * The largest message body this node sends or accepts ({@link Builder#maxMessageSize}): a request, a reply or one
     * item of a streamed reply.
     */
    public int maxMessageSize() {
        return settings.maxMessageSize();
    }

    /** The UDP endpoint the node is bound to (the actual port when bound to port 0). */
    public InetSocketAddress localEndpoint() {
        loop.requireStarted();
        return socket.localAddress();
    }

    /**
     * Introduces a peer by its key and UDP endpoint and runs the handshake; completes when the session is
     * up. The handshake fails unless the node at {@code endpoint} proves it holds exactly {@code key}.
     */
    public ReplyFuture<PeerInfo> connect(NodeKey key, InetSocketAddress endpoint) {
        return sessions.connect(key.address(settings.realm()), key, List.of(Objects.requireNonNull(endpoint, "endpoint")));
    }

    /**
     * Introduces a peer by its address and UDP endpoint; the key is learned in the handshake, checked
     * against the address, and pinned from then on.
     */
    public ReplyFuture<PeerInfo> connect(PilotAddress address, InetSocketAddress endpoint) {
        return sessions.connect(address, null, List.of(Objects.requireNonNull(endpoint, "endpoint")));
    }

    /** Introduces a peer by its key and every endpoint it may answer at; the handshake goes to all of them. */
    public ReplyFuture<PeerInfo> connect(PeerContact contact) {
        return sessions.connect(contact.address(settings.realm()), contact.key(), contact.endpoints());
    }

    /**
     * Where a peer this node already knows may now be reached (it published new endpoints: restarted elsewhere, a
     * new NAT mapping): its next handshake goes there; a session that works keeps its path. A peer never met is not
     * added. The directory client calls it when a record it holds changes endpoints.
     *
     * @return true if the peer was known and its endpoints replaced, false if it was not known
     */
    public ReplyFuture<Boolean> updateContact(PeerContact contact) {
        return sessions.updateKnown(contact.address(settings.realm()), contact.key(), contact.endpoints());
    }

    /**
     * Handshakes with whatever node answers at {@code endpoint} and pins the key it presents (trust on
     * first use). For reaching a backbone whose key is not configured; a peer's key should be checked.
     */
    public ReplyFuture<PeerInfo> connect(InetSocketAddress endpoint) {
        return sessions.connect(Objects.requireNonNull(endpoint, "endpoint"));
    }

    /**
     * Installs how to find nodes this node has not met: requests to an unknown address ask the resolver,
     * then connect directly. The directory client installs one.
     */
    public void setResolver(PeerResolver resolver) {
        sessions.setResolver(resolver);
    }

    /**
     * Serves a port: {@code handler} answers every request and one-way message that arrives on it.
     *
     * @return a handle that stops serving the port when closed
     */
    public AutoCloseable listen(int port, MessageHandler handler) {
        return listen(port, handler, Integer.MAX_VALUE);
    }

    /**
     * Serves a port with at most {@code maxConcurrent} requests in progress at once (running, or waiting for the
     * handler executor): past it a request is answered {@link ErrorCode#OVERLOADED} at once,
     * so slow handlers never build an unbounded queue. {@link Integer#MAX_VALUE} is no limit.
     *
     * @return a handle that stops serving the port when closed
     * @throws IllegalArgumentException if {@code maxConcurrent} is below 1
     */
    public AutoCloseable listen(int port, MessageHandler handler, int maxConcurrent) {
        Ports.check(port);
        loop.requireStarted();
        messages.listen(port, Objects.requireNonNull(handler, "handler"), maxConcurrent);
        return () -> messages.unlisten(port);
    }

    /**
     * Serves a port whose messages are handled one at a time, in the order they arrived, on the handler executor:
     * events a sender pushes one after another (each on a stream of its own) reach {@code handler} in that order
     * unless a packet of one was lost and resent. The synchronous part of each run is ordered; a reply completed
     * later does not hold up the next message.
     *
     * @return a handle that stops serving the port when closed
     */
    public AutoCloseable listenInOrder(int port, MessageHandler handler) {
        Ports.check(port);
        loop.requireStarted();
        messages.listenInOrder(port, Objects.requireNonNull(handler, "handler"));
        return () -> messages.unlisten(port);
    }

    /**
     * Serves a port like {@link #listen(int, MessageHandler, int)}, with {@code onLoop} asked first on the node's
     * event loop: it answers what needs no waiting (an in-memory read) without the hop to the handler executor, and
     * returns null for what {@code handler} must answer. It must never block.
     */
    public AutoCloseable listen(int port, MessageHandler handler, int maxConcurrent, MessageService.InlineHandler onLoop) {
        Ports.check(port);
        loop.requireStarted();
        messages.listen(port, Objects.requireNonNull(handler, "handler"), maxConcurrent, Objects.requireNonNull(onLoop, "onLoop"));
        return () -> messages.unlisten(port);
    }

    /** Receives unreliable datagrams sent to a port. */
    public void onDatagram(int port, DatagramHandler handler) {
        Ports.check(port);
        loop.requireStarted();
        messages.onDatagram(port, (peer, p, data) -> handler.onDatagram(peer.address(), p, data));
    }

    /** Sends a request and completes with the reply, within the node's default request timeout. */
    public ReplyFuture<Message> request(PilotSocketAddress target, Message message) {
        return request(target, message, settings.requestTimeout());
    }

    /**
     * Sends a request and completes with the reply, or fails with a {@link PilotException} whose code says
     * why: {@link ErrorCode#NO_LISTENER}, {@link ErrorCode#DEADLINE_EXCEEDED}, {@link ErrorCode#TIMEOUT},
     * {@link ErrorCode#INTERNAL}, {@link ErrorCode#TOO_LARGE}, {@link ErrorCode#UNREACHABLE},
     * {@link ErrorCode#CONNECTION_LOST}... The request carries {@code timeout} as its deadline (or the shorter one
     * {@code message} carries in its {@code deadline} header); the callee cancels its work and answers
     * DEADLINE_EXCEEDED once it passes. Cancelling the returned future resets the request's stream, which cancels
     * the callee's work too (its handler's {@code Cancellation}).
     */
    public ReplyFuture<Message> request(PilotSocketAddress target, Message message, Duration timeout) {
        ReplyFuture<Message> result = executors.newFuture();
        sessions.withSession(target.address(), result,
                peer -> messages.request(peer, target.port(), message, timeout.toNanos(), result));
        return result;
    }

    /** The window of {@link #requestStream(PilotSocketAddress, Message)}: items on their way or waiting, at most. */
    public static final int DEFAULT_STREAM_WINDOW = 32;

    /**
     * A streamed reply, with the node's request timeout as the idle limit and a window of
     * {@value #DEFAULT_STREAM_WINDOW} items: see {@link #requestStream(PilotSocketAddress, Message, Duration, int)}.
     */
    public Flow.Publisher<Message> requestStream(PilotSocketAddress target, Message message) {
        return requestStream(target, message, settings.requestTimeout(), DEFAULT_STREAM_WINDOW);
    }

    /**
     * Asks {@code target} for a streamed reply: its handler's {@link MessageHandler#handleStream} items, in order,
     * over one transport stream with flow control. The publisher is cold: each subscription is one request, sent on
     * the subscriber's first {@code request(n)}. The server is granted credit for at most {@code window} items on
     * their way or waiting for the subscriber, and never more than the subscriber asked for, so a slow subscriber
     * slows the producer. {@code cancel()} resets the stream and cancels the producer. Signals arrive on the node's
     * callback threads, never its network thread; failures as {@link PilotException}s with their code:
     * {@link ErrorCode#TIMEOUT} when the server owed items and sent none for {@code idleTimeout} (time to the first
     * item, then between items; a subscriber that asks for nothing waits as long as it likes),
     * {@link ErrorCode#CONNECTION_LOST}, {@link ErrorCode#NO_LISTENER}, {@link ErrorCode#OVERLOADED}, the code the
     * producer failed with, or {@link ErrorCode#INTERNAL}. Without Reactor, read it with
     * {@link BlockingItems}. The stream has no total limit unless {@code message} carries a {@code deadline} header
     * (a handler passing on what is left of its own): see {@link #requestStream(PilotSocketAddress, Message, Duration,
     * int, Duration)}.
     *
     * @param window items in flight or buffered, 1 to {@link StreamCredit#MAX_OUTSTANDING}
     * @throws IllegalArgumentException if {@code window} or {@code idleTimeout} is out of range
     */
    public Flow.Publisher<Message> requestStream(PilotSocketAddress target, Message message, Duration idleTimeout,
            int window) {
        return requestStream(target, message, idleTimeout, window, MessageService.NO_DEADLINE);
    }

    /**
     * {@link #requestStream(PilotSocketAddress, Message, Duration, int)} with a total limit: the whole stream must
     * end within {@code deadline} of the subscription (or of the {@code deadline} header {@code message} carries, if
     * that is shorter). What is left of it travels as the request's {@code deadline}; the server enforces it, so past
     * it the subscriber gets {@link ErrorCode#DEADLINE_EXCEEDED} after the items sent before, and the producer is
     * cancelled. {@code idleTimeout} still bounds the wait for each item.
     *
     * @throws IllegalArgumentException if {@code deadline}, {@code window} or {@code idleTimeout} is out of range
     */
    public Flow.Publisher<Message> requestStream(PilotSocketAddress target, Message message, Duration idleTimeout,
            int window, Duration deadline) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
        return requestStream(target, message, idleTimeout, window, deadline.toNanos());
    }

    private Flow.Publisher<Message> requestStream(PilotSocketAddress target, Message message, Duration idleTimeout,
            int window, long deadlineNanos) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(message, "message");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive");
        }
        if (window < 1 || window > StreamCredit.MAX_OUTSTANDING) {
            throw new IllegalArgumentException("window must be 1.." + StreamCredit.MAX_OUTSTANDING + " items, got "
                    + window);
        }
        loop.requireStarted();
        return messages.requestStream((onPeer, onFailure) -> {
            ReplyFuture<Void> session = executors.newFuture();
            session.whenDelivered((none, failure) -> {
                if (failure != null) {
                    onFailure.accept(failure);
                }
            });
            sessions.withSession(target.address(), session, onPeer);
        }, target.port(), message, idleTimeout.toNanos(), deadlineNanos, window, executors.callbacks());
    }

    /** Sends a one-way message; completes once it is handed to the peer's reliable stream. */
    public ReplyFuture<Void> send(PilotSocketAddress target, Message message) {
        ReplyFuture<Void> result = executors.newFuture();
        sessions.withSession(target.address(), result, peer -> messages.send(peer, target.port(), message, result));
        return result;
    }

    /**
     * Sends one one-way message to {@code port} on each of {@code targets}, as {@link #send} does for each, but as
     * one task on the event loop that writes every copy for a peer with a session before the socket is flushed once:
     * the copies leave in as few system calls as the socket allows (with epoll, {@code sendmmsg}), not one each. A
     * target without a session yet gets its copy once the handshake completes, as with {@link #send}. What a group
     * broadcast uses.
     *
     * @return one future per target, in the order given; each as {@link #send}'s
     */
    public List<ReplyFuture<Void>> sendEach(List<PilotAddress> targets, int port, Message message) {
        Ports.check(port);
        Objects.requireNonNull(message, "message");
        List<ReplyFuture<Void>> results = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            results.add(executors.newFuture());
        }
        sessions.withSessions(targets, results, (peer, result) -> messages.send(peer, port, message, result));
        return results;
    }

    /**
     * Sends an unreliable datagram (it must fit one packet, a little under 1200 bytes); completes with
     * false if it was too large to send.
     */
    public ReplyFuture<Boolean> sendDatagram(PilotSocketAddress target, byte[] data) {
        ReplyFuture<Boolean> result = executors.newFuture();
        sessions.withSession(target.address(), result,
                peer -> result.deliver(messages.sendDatagram(peer, target.port(), data)));
        return result;
    }

    /** Measures the round trip to a peer's echo service over the established session. */
    public ReplyFuture<Duration> ping(PilotAddress target) {
        ReplyFuture<Duration> result = executors.newFuture();
        sessions.withSession(target, result, peer -> {
            long start = System.nanoTime();
            ReplyFuture<Message> echo = executors.newFuture();
            // On the loop as the reply arrives, so the figure holds no thread hand-off.
            echo.whenDelivered((reply, error) -> {
                if (error != null) {
                    result.deliverFailure(error);
                } else {
                    result.deliver(Duration.ofNanos(System.nanoTime() - start));
                }
            });
            messages.request(peer, Ports.ECHO, Message.of(new byte[8]), settings.requestTimeout().toNanos(), echo);
        });
        return result;
    }

    /**
     * A future completed as the node's own are (see {@link ReplyFuture}): for the engine's compositions of node
     * futures that take an outcome on the event loop with {@link ReplyFuture#whenDelivered} and pass a result on
     * from there (an anycast's failover, say), so that a caller blocked on the composition is woken straight from
     * the loop too, and its dependents still never run there.
     */
    public <T> ReplyFuture<T> newFuture() {
        return executors.newFuture();
    }

    public void addSessionListener(SessionListener listener) {
        sessionListeners.add(listener);
    }

    /** What this node knows of every peer. */
    public List<PeerInfo> peers() {
        return loop.call(() -> {
            List<PeerInfo> infos = new ArrayList<>();
            engine.peers().forEach(p -> infos.add(carried(PeerInfo.of(p))));
            return infos;
        });
    }

    /**
     * The peer's session facts as the event loop last published them (established, relayed, smoothed RTT), read
     * without a round trip to the loop: for what asks on every call (an anycast ranking providers, a reply naming
     * its path). Empty if this node knows no such peer. {@link #peer} is the full, current picture, at the price
     * of that round trip.
     */
    public Optional<PeerSnapshot> peerSnapshot(PilotAddress address) {
        PeerSnapshots started = snapshots;
        return started == null ? Optional.empty() : Optional.ofNullable(started.of(address));
    }

    public Optional<PeerInfo> peer(PilotAddress address) {
        return loop.call(() -> Optional.ofNullable(engine.peer(address)).map(PeerInfo::of).map(this::carried));
    }

    public NodeStats stats() {
        return loop.call(() -> NodeStats.of(engine, drops));
    }

    /**
     * Asks a STUN server (the backbone, or any RFC 8489 server) how the outside sees this node's socket:
     * behind a NAT, the public address and port peers must use. Retransmits per RFC 8489; fails with
     * {@link ErrorCode#TIMEOUT} when the server never answers.
     */
    public ReplyFuture<InetSocketAddress> reflexiveAddress(InetSocketAddress stunServer) {
        loop.requireStarted();
        ReplyFuture<InetSocketAddress> answer = executors.newFuture();
        reflexive.ask(stunServer).whenComplete((address, error) -> {
            if (error != null) {
                answer.deliverFailure(error);
            } else {
                answer.deliver(address);
            }
        });
        return answer;
    }

    /**
     * Lets this node pass sealed datagrams between nodes that both hold a session with it and cannot reach
     * each other directly. The backbone role turns it on.
     */
    public void serveAsRelay(boolean serve) {
        loop.get().execute(() -> engine.serveAsRelay(serve));
    }

    /**
     * Limits the relay to senders {@code admitted} names (asked on the event loop for each relayed datagram, so
     * answered from memory); the others' RELAYs are dropped, counted {@code NOT_ALLOWED}. A backbone whose realm
     * needs a join token relays only for registered nodes. By default every node with a session here may send.
     */
    public void relayOnlyFor(Predicate<PilotAddress> admitted) {
        Objects.requireNonNull(admitted, "admitted");
        loop.get().execute(() -> engine.relayOnlyFor(admitted));
    }

    /**
     * Makes this node's link misbehave from now on, as {@link Builder#impairment} does from the start (demos: set
     * loss on a running agent); {@link Impairment#NONE} restores a perfect link. A node that sends segmented
     * datagrams (GSO, chosen at start when there was no impairment) has each segmented batch judged as one.
     */
    public void impair(Impairment impairment) {
        Objects.requireNonNull(impairment, "impairment");
        loop.requireStarted();
        loop.call(() -> {
            NodeChannelInitializer.impair(socket.channel().pipeline(), impairment);
            return null;
        });
    }

    /** The relay to use when a peer cannot be reached directly (the directory client sets its backbone). */
    public void useRelay(InetSocketAddress endpoint, PilotAddress address) {
        relayEndpoint = endpoint;
        relayAddress = address;
        loop.get().execute(() -> engine.useRelay(endpoint, address));
    }

    /**
     * Serves nodes that cannot use UDP: WebSocket on each of {@code binds} (the backbone role turns it on), TLS
     * when {@code tls} is given. See docs/reach.md.
     *
     * @param maxConnections connections held at once; past it a new one is closed at once (and counted)
     * @return the TCP addresses bound
     * @throws IllegalStateException naming an address that cannot be bound or a TLS file that cannot be used
     */
    public List<InetSocketAddress> listenWebSocket(List<InetSocketAddress> binds, TlsFiles tls, int maxConnections) {
        loop.requireStarted();
        return streams.listen(socket, binds, tls, maxConnections);
    }

    /**
     * Watches UDP to the backbone at {@code endpoint}: when it goes unanswered for
     * {@link io.pilot.engine.net.BackboneReach#UDP_SILENCE_MILLIS}, datagrams to it go over WebSocket to the same
     * host (and port, then 443), through {@code proxy} if given, until UDP answers again. The directory client's
     * agent calls it with its backbone; nothing above notices the bearer change.
     */
    public void reachBackbone(InetSocketAddress endpoint, ProxySettings proxy) {
        loop.get().execute(() -> streams.reachBackbone(socket, endpoint, proxy, this::nudgeBackbone));
    }

    /**
     * The directory client is about to attach to the backbone at {@code endpoint} (one of several, after a
     * failover): the WebSocket fallback {@link #reachBackbone} started now watches that one, through the same
     * proxy. Nothing if the fallback is off.
     */
    public void followBackbone(InetSocketAddress endpoint) {
        loop.get().execute(() -> streams.followBackbone(socket, endpoint));
    }

    /** Whether this node is opening a WebSocket to its backbone (UDP went unanswered), or reaches it over one. */
    public boolean fallingBackToWebSocket() {
        return loop.call(() -> streams.reach() != null && streams.reach().engaged());
    }

    /** The WebSocket bearer's state: the backbone's bearer and the listener's counters. */
    public Bearers bearers() {
        return loop.call(() -> new Bearers(streams.reach() != null && streams.reach().overStream() ? "tcp" : "udp",
                streams.reach() == null ? "" : streams.reach().reason(),
                streams.reach() == null ? null : streams.reach().lastError(), streams.listening(), streams.counters()));
    }

    /**
     * @param backbone "tcp" while datagrams to the backbone go over WebSocket, else "udp"
     * @param reason why the backbone is reached over WebSocket, "" on UDP
     * @param lastError the last failure to open the WebSocket (a proxy's refusal included), or null
     * @param listening the TCP addresses this node serves WebSocket on
     * @param listener the WebSocket listener's counters
     */
    public record Bearers(String backbone, String reason, String lastError, List<InetSocketAddress> listening,
                          StreamCounters.Snapshot listener) {
    }

    /**
     * After a change of bearer: a ping to the backbone, so the session's own datagram reaches it on the new
     * route at once and it moves its path there (a path challenge); until it has, it relays for this node's
     * old endpoint only. Off the loop, its outcome ignored.
     */
    private void nudgeBackbone() {
        PilotAddress backbone = relayAddress;
        if (backbone != null) {
            executors.callbacks().execute(() -> ping(backbone));
        }
    }

    /** {@code info} with its bearer: TCP when its datagrams go over a WebSocket, and why. */
    private PeerInfo carried(PeerInfo info) {
        InetSocketAddress relay = relayEndpoint;
        PeerInfo shown = info.relayed() && relay != null ? info.through(relay) : info;
        String why = streams.tcpReason(shown.endpoint(), shown.relayed(), relay);
        return why == null ? shown : shown.overTcp(why);
    }

    /** Bytes this node has relayed for others. */
    public long relayedBytes() {
        return loop.call(engine::relayedBytes);
    }

    /**
     * As one of several backbones of a realm (sharing this node's identity): where to pass relayed datagrams for
     * nodes attached to the others ({@code backboneOf}: the endpoint of the backbone a node is attached to, or null
     * for this one or none; asked on the event loop for each relayed datagram, so answered from memory). The
     * backbone role sets it when its directory is shared.
     */
    public void relayAcrossBackbones(Function<PilotAddress, InetSocketAddress> backboneOf) {
        BackboneRoutes routes = backboneOf::apply;
        loop.get().execute(() -> engine.relayAcrossBackbones(routes));
    }

    /** Of {@link #relayedBytes()}, the bytes passed to other backbones of the realm for nodes attached there. */
    public long forwardedBytes() {
        return loop.call(engine::forwardedBytes);
    }

    /** STUN Binding requests answered, if this node answers STUN (see {@link Builder#answerStun}). */
    public long stunAnswered() {
        return stun == null ? 0 : stun.answered();
    }

    /** Whether {@link #close} was called: a closed node sends and answers nothing, and cannot be started again. */
    public boolean isClosed() {
        return loop.isClosed();
    }

    /**
     * Lets streams in progress finish (up to 2 s: replies already handed over reach their callers), then
     * closes every session (telling peers), unbinds the socket and stops the node's threads.
     */
    @Override
    public synchronized void close() {
        if (loop.isClosed()) {
            return;
        }
        boolean started = loop.isStarted();
        if (started) {
            sessions.drain(CLOSE_DRAIN);
        }
        loop.close();
        if (started) {
            try {
                socket.loop().submit(() -> {
                    engine.close();
                    streams.close();
                }).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("closing sessions failed", e);
            }
            socket.close();
        }
        shutdownResources();
    }

    private void shutdownResources() {
        if (socket != null) {
            socket.shutdown();
        }
        executors.shutdown();
    }

    /** Receives datagrams for a port. */
    @FunctionalInterface
    public interface DatagramHandler {
        void onDatagram(PilotAddress from, int port, byte[] data);
    }

    /** {@link Builder#replyCoalescingWindow}'s default, in microseconds. */
    public static final long DEFAULT_REPLY_COALESCING_MICROS = 100;
    /** {@link Builder#replyCoalescingWindow}'s upper bound, in milliseconds: past a few, holding a reply is latency. */
    public static final long MAX_REPLY_COALESCING_MILLIS = 10;
    private static final Duration DEFAULT_REPLY_COALESCING_WINDOW = Duration.ofNanos(DEFAULT_REPLY_COALESCING_MICROS * 1000);

    /** Configures a {@link PilotNode}. Only the identity is required. */
    public static final class Builder {

        private Path identityPath;
        private Identity identity;
        private InetSocketAddress bindAddress = new InetSocketAddress(0);
        private int realm;
        private int maxMessageSize = 16 * 1024 * 1024;
        /** 0: a quarter of the heap ({@link #maxInboundBuffered}). */
        private long maxInboundBuffered;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private SessionSettings sessionSettings = SessionSettings.DEFAULTS;
        private TransportConfig transportConfig = TransportConfig.defaults();
        private AccessPolicy accessPolicy = AccessPolicy.REALM_MEMBERS;
        private Impairment impairment = Impairment.NONE;
        private Executor handlerExecutor;
        private SecureRandom random = new SecureRandom();
        private int socketBufferBytes = 8 * 1024 * 1024;
        private boolean answerStun;
        private PathSettings pathSettings = PathSettings.DEFAULTS;
        private boolean exposeErrorDetails;
        private boolean receiveCoalescing;
        private Duration replyCoalescingWindow = DEFAULT_REPLY_COALESCING_WINDOW;
        private SharedEventLoops eventLoops;

        private Builder() {
        }

        /** Where the identity is kept: loaded if the file exists, created (mode 0600) if not. */
        public Builder identityPath(Path path) {
            this.identityPath = Objects.requireNonNull(path, "identityPath");
            return this;
        }

        /** An identity held in memory (tests, or keys managed elsewhere). */
        public Builder identity(Identity identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /** The UDP address to bind; default all interfaces, an ephemeral port. */
        public Builder bindAddress(InetSocketAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "bindAddress");
            return this;
        }

        public Builder bindAddress(String host, int port) {
            return bindAddress(new InetSocketAddress(host, port));
        }

        /** The realm (backbone namespace); default 0. Nodes only hold sessions within their realm. */
        public Builder realm(int realm) {
            if (realm < 0 || realm > PilotAddress.MAX_REALM) {
                throw new IllegalArgumentException("realm must be 0.." + PilotAddress.MAX_REALM);
            }
            this.realm = realm;
            return this;
        }

        /** Largest message body sent or accepted; default 16 MiB. */
        public Builder maxMessageSize(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxMessageSize must not be negative");
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * What all peers' partly received requests may hold in this node's memory at once; default a quarter of the
         * JVM's maximum heap, at least one maximal message (several nodes in one JVM have a quarter each: set it lower
         * for them). One peer's may hold the least of this, 64 MiB and four maximal messages; below one maximal
         * message, a maximal request is always refused. A request that would take its peer or the node over is answered
         * {@code OVERLOADED} and its bytes are dropped unread (docs/PROTOCOL.md §6.2): many peers, whose identities
         * cost nothing, cannot fill the heap with requests they never finish.
         */
        public Builder maxInboundBuffered(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxInboundBuffered must be positive");
            }
            this.maxInboundBuffered = bytes;
            return this;
        }

        /** Default time to wait for a reply; default 30 s. */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive");
            }
            this.requestTimeout = timeout;
            return this;
        }

        public Builder sessionSettings(SessionSettings sessionSettings) {
            this.sessionSettings = Objects.requireNonNull(sessionSettings, "sessionSettings");
            return this;
        }

        public Builder transportConfig(TransportConfig transportConfig) {
            this.transportConfig = Objects.requireNonNull(transportConfig, "transportConfig");
            return this;
        }

        /** Which authenticated peers may hold sessions with this node; default any in the realm. */
        public Builder accessPolicy(AccessPolicy policy) {
            this.accessPolicy = Objects.requireNonNull(policy, "accessPolicy");
            return this;
        }

        /** Deliberate loss, reordering, duplication and delay on this node's link: for tests and benchmarks. */
        public Builder impairment(Impairment impairment) {
            this.impairment = Objects.requireNonNull(impairment, "impairment");
            return this;
        }

        /** Where message handlers run; default a pool of daemon threads with a bounded queue. */
        public Builder handlerExecutor(Executor executor) {
            this.handlerExecutor = Objects.requireNonNull(executor, "handlerExecutor");
            return this;
        }

        /** UDP socket send and receive buffer sizes; default 8 MiB (the kernel may cap it, see net.core.rmem_max). */
        public Builder socketBufferBytes(int bytes) {
            this.socketBufferBytes = bytes;
            return this;
        }

        /**
         * Whether the UDP socket reads with UDP GRO where the platform has it (epoll, Linux 5.0 and later): runs of
         * datagrams a peer wrote with GSO then arrive in one read instead of one each. Default false: measured on a
         * loaded 2-core machine it lost throughput against {@code recvmmsg} batches, and on an idle one it gained
         * nothing measurable (docs/PROTOCOL.md, data path).
         */
        public Builder receiveCoalescing(boolean coalesce) {
            this.receiveCoalescing = coalesce;
            return this;
        }

        /**
         * How long the reply of a handler on the handler executor may wait for the replies of other requests its peer
         * has in progress, so that they leave in one packet; default {@value #DEFAULT_REPLY_COALESCING_MICROS} µs, at
         * most {@value #MAX_REPLY_COALESCING_MILLIS} ms, {@link Duration#ZERO} to send each as soon as the loop's
         * round ends. A reply waits only while a request its peer sent after it is still with a handler here: a lone
         * call's reply leaves at once, even beside a long-running request the same peer sent before it, and so does
         * the last of a burst's, taking the waiting ones along (docs/ARCHITECTURE.md, "How a datagram flows
         * in").
         */
        public Builder replyCoalescingWindow(Duration window) {
            Objects.requireNonNull(window, "replyCoalescingWindow");
            if (window.isNegative() || window.compareTo(Duration.ofMillis(MAX_REPLY_COALESCING_MILLIS)) > 0) {
                throw new IllegalArgumentException("replyCoalescingWindow must be between 0 and "
                        + MAX_REPLY_COALESCING_MILLIS + " ms, got " + (window.isNegative() ? "a negative duration"
                        : window.getSeconds() > 0 ? window.getSeconds() + " s" : window.toNanos() / 1000 + " µs"));
            }
            this.replyCoalescingWindow = window;
            return this;
        }

        /**
         * Runs the node on loops shared with other nodes of this process instead of an event loop thread of its own
         * (default): for a process hosting many nodes, so that traffic reaching many of them at once wakes a few
         * threads, not one per node. The node does not stop them; close them after its nodes.
         */
        public Builder eventLoops(SharedEventLoops loops) {
            this.eventLoops = Objects.requireNonNull(loops, "eventLoops");
            return this;
        }

        /** Direct-only, or relay allowed (the default), and the timings of falling back and probing. */
        public Builder pathSettings(PathSettings settings) {
            this.pathSettings = Objects.requireNonNull(settings, "pathSettings");
            return this;
        }

        /**
         * Answers RFC 8489 STUN Binding requests on the node's UDP socket, next to Pilot's own traffic, so any
         * STUN client learns its reflexive address here. Backbones do; ordinary nodes need not.
         */
        public Builder answerStun(boolean answer) {
            this.answerStun = answer;
            return this;
        }

        /**
         * Whether the error reply for a handler's unexpected exception (code {@link ErrorCode#INTERNAL}) names the
         * exception's class and message; default false: it names only the request's correlation id, and the details
         * go to this node's log. For development: they may describe this agent's insides to any caller.
         */
        public Builder exposeErrorDetails(boolean expose) {
            this.exposeErrorDetails = expose;
            return this;
        }

        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** @throws IllegalStateException without an identity, or if the transport's packets do not fit the wire */
        public PilotNode build() {
            return new PilotNode(new NodeSettings(identityPath, identity, bindAddress, realm, maxMessageSize,
                    requestTimeout, sessionSettings, transportConfig, accessPolicy, impairment, handlerExecutor, random,
                    socketBufferBytes, answerStun, pathSettings, exposeErrorDetails, receiveCoalescing, replyCoalescingWindow,
                    eventLoops, maxInboundBuffered > 0 ? maxInboundBuffered
                            : Math.max(maxMessageSize, Runtime.getRuntime().maxMemory() / 4)));
        }
    }
}
