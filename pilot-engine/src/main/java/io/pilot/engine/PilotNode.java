package io.pilot.engine;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.address.Ports;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.IdentityStore;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.MessageService;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.net.DatagramDecoder;
import io.pilot.engine.net.Impairment;
import io.pilot.engine.net.ImpairmentHandler;
import io.pilot.engine.session.AccessPolicy;
import io.pilot.engine.session.PathSettings;
import io.pilot.engine.session.Peer;
import io.pilot.engine.session.SessionEngine;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.stun.StunClientHandler;
import io.pilot.engine.stun.StunClientTransaction;
import io.pilot.engine.stun.StunServerHandler;
import io.pilot.engine.transport.ConnectionStats;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.InboundPacket;
import io.pilot.engine.wire.WireFormat;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
 * <p>Every method is thread-safe. Futures complete on the node's callback executor, never on its
 * network thread; message handlers run on its handler executor.
 */
public final class PilotNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PilotNode.class);

    /** How long close() lets streams in progress finish before it closes the sessions. */
    private static final Duration CLOSE_DRAIN = Duration.ofSeconds(2);

    /** Receive buffer per read with epoll: room for 48 full datagrams per recvmmsg. */
    private static final int RECEIVE_BATCH_BYTES = 48 * WireFormat.MAX_RELAY_DATAGRAM;

    private final Builder settings;
    private final Identity identity;
    private final DropCounters drops = new DropCounters();
    private final List<SessionListener> sessionListeners = new CopyOnWriteArrayList<>();
    private final ExecutorService ownHandlerExecutor;
    private final ExecutorService callbackExecutor;
    private EventLoopGroup group;
    private Channel channel;
    private EventLoop loop;
    private SessionEngine engine;
    private MessageService messages;
    private volatile PeerResolver resolver;
    private final StunServerHandler stun;
    private final StunClientHandler stunClient = new StunClientHandler();
    private volatile boolean started;
    private volatile boolean closed;

    private PilotNode(Builder builder) {
        this.settings = builder;
        this.identity = builder.identity != null ? builder.identity
                : IdentityStore.loadOrCreate(builder.identityPath, builder.random);
        this.ownHandlerExecutor = builder.handlerExecutor == null ? defaultHandlerExecutor() : null;
        this.callbackExecutor = Executors.newCachedThreadPool(new DefaultThreadFactory("pilot-callback", true));
        this.stun = builder.answerStun ? new StunServerHandler() : null;
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
        if (started) {
            throw new IllegalStateException("node already started");
        }
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("pilot-io", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Bootstrap bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, settings.socketBufferBytes)
                .option(ChannelOption.SO_SNDBUF, settings.socketBufferBytes)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(epoll ? RECEIVE_BATCH_BYTES : 2048))
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        if (!settings.impairment.isNone()) {
                            ch.pipeline().addLast("impairment", new ImpairmentHandler(settings.impairment));
                        }
                        ch.pipeline().addLast("stun-client", stunClient);
                        if (stun != null) {
                            ch.pipeline().addLast("stun", stun);
                        }
                        ch.pipeline().addLast("decoder", new DatagramDecoder(drops));
                        ch.pipeline().addLast("sessions", new SimpleChannelInboundHandler<InboundPacket>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, InboundPacket packet) {
                                engine.receive(packet);
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                engine.readComplete();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                log.warn("unexpected error on the UDP channel; the node keeps running", cause);
                            }
                        });
                    }
                });
        if (epoll) {
            // recvmmsg: many datagrams per system call, each in its own MAX_RELAY_DATAGRAM slice of the buffer.
            // UDP_GRO stays off: this read path hands over coalesced segments without their segment size.
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, WireFormat.MAX_RELAY_DATAGRAM);
        }
        try {
            channel = bootstrap.register().sync().channel();
            loop = channel.eventLoop();
            messages = new MessageService(loop, handlerExecutor(), callbackExecutor, settings.maxMessageSize,
                    this::onEstablished, this::onClosed);
            // Segments cannot pass the impairment stage, which judges datagram by datagram.
            boolean gso = epoll && SegmentedDatagramPacket.isSupported() && settings.impairment.isNone();
            engine = new SessionEngine(channel, identity, settings.realm, settings.sessionSettings,
                    settings.transportConfig, settings.accessPolicy, messages, drops, settings.random, gso);
            messages.attach(engine);
            engine.pathSettings(settings.pathSettings);
            messages.listenInline(Ports.ECHO, in -> in.message());
            messages.listenInline(Ports.DISCARD, in -> Message.of(
                    ByteBuffer.allocate(Long.BYTES).putLong(in.message().body().length).array()));
            channel.bind(settings.bindAddress).sync();
        } catch (Exception e) {
            shutdownResources();
            throw new IllegalStateException("cannot bind UDP " + settings.bindAddress + ": " + e.getMessage(), e);
        }
        started = true;
        log.info("Pilot node {} listening on UDP {} ({})", address(), localEndpoint(), epoll ? "epoll" : "nio");
        return this;
    }

    /** This node's address: its realm and the node number derived from its key. */
    public PilotAddress address() {
        return identity.publicKey().address(settings.realm);
    }

    public NodeKey publicKey() {
        return identity.publicKey();
    }

    public Identity identity() {
        return identity;
    }

    /** The UDP endpoint the node is bound to (the actual port when bound to port 0). */
    public InetSocketAddress localEndpoint() {
        requireStarted();
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Introduces a peer by its key and UDP endpoint and runs the handshake; completes when the session is
     * up. The handshake fails unless the node at {@code endpoint} proves it holds exactly {@code key}.
     */
    public CompletableFuture<PeerInfo> connect(NodeKey key, InetSocketAddress endpoint) {
        return connect(key.address(settings.realm), key, endpoint);
    }

    /**
     * Introduces a peer by its address and UDP endpoint; the key is learned in the handshake, checked
     * against the address, and pinned from then on.
     */
    public CompletableFuture<PeerInfo> connect(PilotAddress address, InetSocketAddress endpoint) {
        return connect(address, null, endpoint);
    }

    /** Introduces a peer by its key and every endpoint it may answer at; the handshake goes to all of them. */
    public CompletableFuture<PeerInfo> connect(PeerContact contact) {
        return connect(contact.address(settings.realm), contact.key(), contact.endpoints());
    }

    /**
     * Handshakes with whatever node answers at {@code endpoint} and pins the key it presents (trust on
     * first use). For reaching a backbone whose key is not configured; a peer's key should be checked.
     */
    public CompletableFuture<PeerInfo> connect(InetSocketAddress endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        CompletableFuture<PeerInfo> result = new CompletableFuture<>();
        onLoop(result, () -> engine.whenEstablished(endpoint, completion(result)));
        return result;
    }

    private CompletableFuture<PeerInfo> connect(PilotAddress address, NodeKey key, InetSocketAddress endpoint) {
        return connect(address, key, List.of(Objects.requireNonNull(endpoint, "endpoint")));
    }

    private CompletableFuture<PeerInfo> connect(PilotAddress address, NodeKey key, List<InetSocketAddress> endpoints) {
        CompletableFuture<PeerInfo> result = new CompletableFuture<>();
        onLoop(result, () -> {
            Peer peer;
            try {
                peer = engine.addPeer(address, key, endpoints, true);
            } catch (IllegalArgumentException e) {
                fail(result, new PilotException(ErrorCode.UNREACHABLE, e.getMessage()));
                return;
            }
            engine.whenEstablished(peer, completion(result));
        });
        return result;
    }

    private BiConsumer<Peer, Throwable> completion(CompletableFuture<PeerInfo> result) {
        return (p, error) -> {
            if (error != null) {
                fail(result, new PilotException(ErrorCode.UNREACHABLE, error.getMessage(), error));
            } else {
                PeerInfo info = snapshot(p);
                callbackExecutor.execute(() -> result.complete(info));
            }
        };
    }

    /**
     * Installs how to find nodes this node has not met: requests to an unknown address ask the resolver,
     * then connect directly. The directory client installs one.
     */
    public void setResolver(PeerResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * Serves a port: {@code handler} answers every request and one-way message that arrives on it.
     *
     * @return a handle that stops serving the port when closed
     */
    public AutoCloseable listen(int port, MessageHandler handler) {
        Ports.check(port);
        requireStarted();
        messages.listen(port, Objects.requireNonNull(handler, "handler"));
        return () -> messages.unlisten(port);
    }

    /** Receives unreliable datagrams sent to a port. */
    public void onDatagram(int port, DatagramHandler handler) {
        Ports.check(port);
        requireStarted();
        messages.onDatagram(port, (peer, p, data) -> handler.onDatagram(peer.address(), p, data));
    }

    /** Sends a request and completes with the reply, within the node's default request timeout. */
    public CompletableFuture<Message> request(PilotSocketAddress target, Message message) {
        return request(target, message, settings.requestTimeout);
    }

    /**
     * Sends a request and completes with the reply, or fails with a {@link PilotException} whose code says
     * why: {@link ErrorCode#NO_LISTENER}, {@link ErrorCode#TIMEOUT}, {@link ErrorCode#REMOTE_FAILURE},
     * {@link ErrorCode#TOO_LARGE}, {@link ErrorCode#UNREACHABLE}, {@link ErrorCode#CONNECTION_LOST}...
     */
    public CompletableFuture<Message> request(PilotSocketAddress target, Message message, Duration timeout) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        withSession(target.address(), result,
                peer -> messages.request(peer, target.port(), message, timeout.toNanos(), result, null));
        return result;
    }

    /** Sends a one-way message; completes once it is handed to the peer's reliable stream. */
    public CompletableFuture<Void> send(PilotSocketAddress target, Message message) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        withSession(target.address(), result, peer -> messages.send(peer, target.port(), message, result));
        return result;
    }

    /**
     * Sends an unreliable datagram (it must fit one packet, a little under 1200 bytes); completes with
     * false if it was too large to send.
     */
    public CompletableFuture<Boolean> sendDatagram(PilotSocketAddress target, byte[] data) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        withSession(target.address(), result, peer -> {
            boolean sent = messages.sendDatagram(peer, target.port(), data);
            callbackExecutor.execute(() -> result.complete(sent));
        });
        return result;
    }

    /** Measures the round trip to a peer's echo service over the established session. */
    public CompletableFuture<Duration> ping(PilotAddress target) {
        CompletableFuture<Duration> result = new CompletableFuture<>();
        withSession(target, result, peer -> {
            long start = System.nanoTime();
            CompletableFuture<Message> reply = new CompletableFuture<>();
            reply.whenComplete((m, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                }
            });
            messages.request(peer, Ports.ECHO, Message.of(new byte[8]), settings.requestTimeout.toNanos(), reply, m -> {
                Duration rtt = Duration.ofNanos(System.nanoTime() - start);
                callbackExecutor.execute(() -> result.complete(rtt));
            });
        });
        return result;
    }

    public void addSessionListener(SessionListener listener) {
        sessionListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** What this node knows of every peer. */
    public List<PeerInfo> peers() {
        return callOnLoop(() -> {
            List<PeerInfo> infos = new ArrayList<>();
            engine.peers().forEach(p -> infos.add(snapshot(p)));
            return infos;
        });
    }

    public Optional<PeerInfo> peer(PilotAddress address) {
        return callOnLoop(() -> Optional.ofNullable(engine.peer(address)).map(this::snapshot));
    }

    public NodeStats stats() {
        return callOnLoop(() -> {
            int sessions = 0;
            for (Peer peer : engine.peers()) {
                if (peer.connection() != null) {
                    sessions++;
                }
            }
            return new NodeStats(engine.handshakesCompleted(), engine.peers().size(), sessions,
                    engine.pendingHandshakes(), drops.snapshot());
        });
    }

    /**
     * Asks a STUN server (the backbone, or any RFC 8489 server) how the outside sees this node's socket:
     * behind a NAT, the public address and port peers must use. Retransmits per RFC 8489; fails with
     * {@link ErrorCode#TIMEOUT} when the server never answers.
     */
    public CompletableFuture<InetSocketAddress> reflexiveAddress(InetSocketAddress stunServer) {
        requireStarted();
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        StunClientTransaction transaction = StunClientTransaction.start();
        loop.execute(() -> {
            stunClient.expect(transaction, result);
            transmitStun(transaction, stunServer, result);
        });
        CompletableFuture<InetSocketAddress> answer = new CompletableFuture<>();
        result.whenComplete((address, error) -> {
            if (error != null) {
                fail(answer, error);
            } else {
                callbackExecutor.execute(() -> answer.complete(address));
            }
        });
        return answer;
    }

    private void transmitStun(StunClientTransaction transaction, InetSocketAddress server,
            CompletableFuture<InetSocketAddress> result) {
        if (result.isDone()) {
            return;
        }
        if (!transaction.mayTransmit()) {
            stunClient.forget(transaction);
            result.completeExceptionally(new PilotException(ErrorCode.TIMEOUT, "no STUN answer from " + server));
            return;
        }
        channel.writeAndFlush(new DatagramPacket(transaction.request(channel.alloc()), server));
        Duration wait = transaction.transmitted();
        loop.schedule(() -> transmitStun(transaction, server, result), wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Lets this node pass sealed datagrams between nodes that both hold a session with it and cannot reach
     * each other directly. The backbone role turns it on.
     */
    public void serveAsRelay(boolean serve) {
        requireStarted();
        loop.execute(() -> engine.serveAsRelay(serve));
    }

    /** The relay to use when a peer cannot be reached directly (the directory client sets its backbone). */
    public void useRelay(InetSocketAddress endpoint, PilotAddress address) {
        requireStarted();
        loop.execute(() -> engine.useRelay(endpoint, address));
    }

    /** Bytes this node has relayed for others. */
    public long relayedBytes() {
        return callOnLoop(engine::relayedBytes);
    }

    /** STUN Binding requests answered, if this node answers STUN (see {@link Builder#answerStun}). */
    public long stunAnswered() {
        return stun == null ? 0 : stun.answered();
    }

    /**
     * Lets streams in progress finish (up to 2 s: replies already handed over reach their callers), then
     * closes every session (telling peers), unbinds the socket and stops the node's threads.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (started) {
            drain(CLOSE_DRAIN);
        }
        closed = true;
        if (started) {
            try {
                loop.submit(engine::close).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("closing sessions failed", e);
            }
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        shutdownResources();
    }

    /**
     * Waits, up to {@code limit}, until every stream with every peer is finished and acknowledged: replies
     * already handed to the transport reach their callers before the sessions close.
     */
    private void drain(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            boolean idle = callOnLoop(() -> {
                for (Peer peer : engine.peers()) {
                    if (peer.connection() != null && !peer.connection().isClosed()
                            && (peer.connection().stats().liveStreams() > 0 || peer.connection().stats().bytesInFlight() > 0)) {
                        return false;
                    }
                }
                return true;
            });
            if (idle) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void shutdownResources() {
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (ownHandlerExecutor != null) {
            ownHandlerExecutor.shutdownNow();
        }
        callbackExecutor.shutdown();
    }

    // ---------------------------------------------------------------------------------------------

    private <T> void withSession(PilotAddress target, CompletableFuture<T> result, Consumer<Peer> action) {
        onLoop(result, () -> {
            Peer peer = engine.peer(target);
            if (peer == null) {
                resolveThen(target, result, action);
                return;
            }
            engine.whenEstablished(peer, (p, error) -> {
                if (error != null) {
                    fail(result, new PilotException(ErrorCode.UNREACHABLE, error.getMessage(), error));
                    return;
                }
                try {
                    action.accept(p);
                } catch (RuntimeException e) {
                    // e.g. the connection closed or ran out of stream ids in between: the caller must hear of it.
                    fail(result, new PilotException(ErrorCode.CONNECTION_LOST, "cannot send to " + target + ": " + e.getMessage(), e));
                }
            });
        });
    }

    /** Asks the resolver about an address never met, then runs {@code action} once a session is up. */
    private <T> void resolveThen(PilotAddress target, CompletableFuture<T> result, Consumer<Peer> action) {
        PeerResolver current = resolver;
        if (current == null) {
            fail(result, new PilotException(ErrorCode.UNREACHABLE, "unknown peer " + target
                    + ": connect to it first (its key or address and UDP endpoint), or use a directory"));
            return;
        }
        current.resolve(target).whenComplete((contact, error) -> onLoop(result, () -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                fail(result, new PilotException(ErrorCode.UNREACHABLE, "cannot find " + target + ": " + cause.getMessage(), cause));
                return;
            }
            try {
                engine.addPeer(target, contact.key(), contact.endpoints(), false);
            } catch (IllegalArgumentException e) {
                fail(result, new PilotException(ErrorCode.UNREACHABLE, e.getMessage()));
                return;
            }
            withSession(target, result, action);
        }));
    }

    private void onLoop(CompletableFuture<?> result, Runnable task) {
        if (!started || closed) {
            result.completeExceptionally(new PilotException(ErrorCode.UNREACHABLE,
                    closed ? "node is closed" : "node is not started"));
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new PilotException(ErrorCode.UNREACHABLE, "node is closed"));
        }
    }

    private void fail(CompletableFuture<?> result, Throwable cause) {
        try {
            callbackExecutor.execute(() -> result.completeExceptionally(cause));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(cause);
        }
    }

    private <T> T callOnLoop(Callable<T> task) {
        requireStarted();
        try {
            return loop.inEventLoop() ? task.call() : loop.submit(task).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("node did not answer: " + e, e);
        }
    }

    private PeerInfo snapshot(Peer peer) {
        Duration rtt = null;
        ConnectionStats stats = null;
        boolean established = peer.connection() != null && !peer.connection().isClosed();
        if (established) {
            stats = peer.connection().stats();
            rtt = stats.minRttNanos() > 0 ? Duration.ofNanos(stats.smoothedRttNanos()) : null;
        }
        return new PeerInfo(peer.address(), peer.key(), peer.endpoint(), established, rtt, peer.bytesIn(),
                peer.bytesOut(), stats, peer.isRelayed(), peer.pathReason());
    }

    private void onEstablished(Peer peer, boolean newConnection) {
        if (!sessionListeners.isEmpty()) {
            PeerInfo info = snapshot(peer);
            callbackExecutor.execute(() -> sessionListeners.forEach(l -> l.sessionEstablished(info, newConnection)));
        }
    }

    private void onClosed(Peer peer, String reason) {
        if (!sessionListeners.isEmpty()) {
            PeerInfo info = new PeerInfo(peer.address(), peer.key(), peer.endpoint(), false, null, peer.bytesIn(),
                    peer.bytesOut(), null, peer.isRelayed(), peer.pathReason());
            callbackExecutor.execute(() -> sessionListeners.forEach(l -> l.sessionClosed(info, reason)));
        }
    }

    private Executor handlerExecutor() {
        return settings.handlerExecutor != null ? settings.handlerExecutor : ownHandlerExecutor;
    }

    private static ExecutorService defaultHandlerExecutor() {
        int threads = Math.max(8, Runtime.getRuntime().availableProcessors() * 4);
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(10_000), new DefaultThreadFactory("pilot-handler", true));
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException("node is not started");
        }
    }

    /** Receives datagrams for a port. */
    @FunctionalInterface
    public interface DatagramHandler {
        void onDatagram(PilotAddress from, int port, byte[] data);
    }

    /** Configures a {@link PilotNode}. Only the identity is required. */
    public static final class Builder {

        private Path identityPath;
        private Identity identity;
        private InetSocketAddress bindAddress = new InetSocketAddress(0);
        private int realm;
        private int maxMessageSize = 16 * 1024 * 1024;
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

        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public PilotNode build() {
            if (identity == null && identityPath == null) {
                throw new IllegalStateException("set identityPath(...) or identity(...)");
            }
            if (transportConfig.maxPacketPayload() > WireFormat.MAX_DATA_PLAINTEXT) {
                throw new IllegalStateException("transport maxPacketPayload " + transportConfig.maxPacketPayload()
                        + " does not fit a DATA packet on a 1280-byte path (at most " + WireFormat.MAX_DATA_PLAINTEXT + ")");
            }
            return new PilotNode(this);
        }
    }
}
