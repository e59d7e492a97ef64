package io.pilot.engine.message;

import io.netty.channel.EventLoop;
import io.pilot.engine.session.Peer;
import io.pilot.engine.session.SessionEngine;
import io.pilot.engine.session.SessionEvents;
import io.pilot.engine.transport.CloseReason;
import io.pilot.engine.transport.ConnectionHandler;
import io.pilot.engine.transport.Stream;
import io.pilot.engine.transport.StreamHandler;
import io.pilot.engine.transport.TransportError;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages over streams: each request or one-way message opens a stream to the target port and sends
 * one frame; the answer comes back as one frame on the same stream. Streams keep requests independent,
 * so a 16 MiB message never holds up a small one behind it.
 *
 * <p>Network-side work runs on the node's event loop; user handlers run on the handler executor; outcomes
 * are delivered to callers' {@link ReplyFuture}s on the loop, which wakes blocked callers directly and never
 * runs their code there. Neither user code nor waiting callers can stall the network thread.
 */
public final class MessageService implements SessionEvents {

    private static final Logger log = LoggerFactory.getLogger(MessageService.class);

    /** Stream reset code sent when a request is abandoned (timeout, or the caller cancelled); in the application range. */
    static final int RESET_CANCELLED = TransportError.APPLICATION_BASE + 1;

    /**
     * How long past the deadline it sent a caller waits before it gives up (TIMEOUT) by itself: time for the callee's
     * DEADLINE_EXCEEDED, sent when the deadline passes there, to travel back, so that it is what the caller hears.
     */
    static final long DEADLINE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /**
     * Handlers that run on the event loop itself: trivial, never blocking (the echo service). One that fronts a
     * pooled {@link MessageHandler} ({@link #listen(int, MessageHandler, int, InlineHandler)}) returns null for a
     * request it leaves to that handler.
     */
    public interface InlineHandler {
        Message handle(IncomingMessage message);
    }

    /** Datagram arrival, with the sending node's address. */
    public interface DatagramListener {
        void onDatagram(Peer from, int port, byte[] data);
    }

    private final EventLoop loop;
    private final Executor handlerExecutor;
    private final Executor callbacks;
    private final int maxMessageSize;
    private final boolean exposeErrorDetails;
    private final long replyCoalescingNanos;
    private final Map<Integer, MessageHandler> listeners = new ConcurrentHashMap<>();
    private final Map<Integer, InlineHandler> inlineListeners = new ConcurrentHashMap<>();
    /** Ports whose messages are handled one at a time, in arrival order: each one's runs, queued on the handlers. */
    private final Map<Integer, Executor> inOrderPorts = new ConcurrentHashMap<>();
    private final Map<Integer, DatagramListener> datagramListeners = new ConcurrentHashMap<>();
    private final ServingLimits servingLimits = new ServingLimits();
    private final StreamedReplies streamed;
    private final Map<Peer, Set<ClientExchange>> pending = new HashMap<>();
    /** Requests whose handler runs on the executor, by peer: cancelled if the connection closes. */
    private final Map<Peer, NavigableMap<Long, ServerExchange>> handling = new HashMap<>();
    /** Requests handed to the handler executor so far: numbers them in order, the keys of {@link #handling}. */
    private long handOffs;
    private final InboundBudget<Peer> inboundBudget;
    private final BiConsumer<Peer, Boolean> onEstablished;
    private final BiConsumer<Peer, String> onClosed;
    private SessionEngine engine;
    private RoundFlushes flushes;

    /**
     * @param callbacks where {@link Cancellation#onCancel} actions run: never the event loop
     * @param exposeErrorDetails whether an error reply for a handler's unexpected exception names its class and
     *     message (for development); by default it names only the correlation id, and the details go to the log
     * @param replyCoalescingWindow how long a reply from the handler executor may wait for the replies of the requests
     *     its peer sent after it, to share their packet; zero for none ({@link RoundFlushes#flushWithin})
     * @param maxInboundBuffered what all peers' partly received requests may hold at once ({@link InboundBudget}); one
     *     peer's may hold the least of this, 64 MiB and four maximal messages
     */
    public MessageService(EventLoop loop, Executor handlerExecutor, Executor callbacks, int maxMessageSize,
            boolean exposeErrorDetails, Duration replyCoalescingWindow, long maxInboundBuffered,
            BiConsumer<Peer, Boolean> onEstablished, BiConsumer<Peer, String> onClosed) {
        this.loop = loop;
        this.handlerExecutor = handlerExecutor;
        this.callbacks = callbacks;
        this.maxMessageSize = maxMessageSize;
        this.exposeErrorDetails = exposeErrorDetails;
        this.replyCoalescingNanos = replyCoalescingWindow.toNanos();
        // Enough for a few maximal messages at once; a peer that opens thousands of half-sent ones is refused, and
        // all peers together may not hold more than the node's total.
        this.inboundBudget = new InboundBudget<>(Math.min(maxInboundBuffered, Math.max(64L << 20, 4L * maxMessageSize)),
                maxInboundBuffered);
        this.onEstablished = onEstablished;
        this.onClosed = onClosed;
        this.streamed = new StreamedReplies(loop, handlerExecutor, callbacks, maxMessageSize, servingLimits, listeners::get,
                peer -> engine.flush(peer), () -> engine.localAddress());
    }

    /** Wires the session engine in; it and this service refer to each other. */
    public void attach(SessionEngine sessionEngine) {
        this.engine = sessionEngine;
        this.flushes = new RoundFlushes(loop, sessionEngine);
    }

    public void listen(int port, MessageHandler handler) {
        listen(port, handler, ServingLimits.UNLIMITED);
    }

    /**
     * Serves {@code port} with at most {@code maxConcurrent} requests in progress (handed to the handler executor
     * and not yet answered); past it a request is answered OVERLOADED at once instead of waiting in the queue.
     */
    public void listen(int port, MessageHandler handler, int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
        }
        if (listeners.putIfAbsent(port, handler) != null || inlineListeners.containsKey(port)) {
            throw new IllegalStateException("port " + port + " already has a listener");
        }
        servingLimits.limit(port, maxConcurrent);
    }

    /**
     * Serves {@code port} like {@link #listen(int, MessageHandler, int)}, with {@code onLoop} asked first on the event
     * loop: what it answers (an in-memory read) costs no hop to the handler executor and back; a request it
     * returns null for goes to {@code handler}.
     */
    public void listen(int port, MessageHandler handler, int maxConcurrent, InlineHandler onLoop) {
        listen(port, handler, maxConcurrent);
        inlineListeners.put(port, onLoop);
    }

    /**
     * Serves {@code port} with one handler run at a time, in the order the messages arrived (from any peer): for
     * events whose order matters, such as the backbone's watch events, which the pooled path may hand to two threads
     * that then race. A handler's reply completed later does not hold up the next run; a streamed request
     * ({@link StreamedReplies}) is not ordered.
     */
    public void listenInOrder(int port, MessageHandler handler) {
        // In force before the handler is: a message that arrives in between must not go to the pool.
        Executor serial = new SerialExecutor(handlerExecutor);
        if (inOrderPorts.putIfAbsent(port, serial) != null) {
            throw new IllegalStateException("port " + port + " already has a listener");
        }
        try {
            listen(port, handler);
        } catch (RuntimeException taken) {
            inOrderPorts.remove(port, serial);
            throw taken;
        }
    }

    public void listenInline(int port, InlineHandler handler) {
        if (inlineListeners.putIfAbsent(port, handler) != null || listeners.containsKey(port)) {
            throw new IllegalStateException("port " + port + " already has a listener");
        }
    }

    public boolean unlisten(int port) {
        servingLimits.limit(port, ServingLimits.UNLIMITED);
        boolean inline = listeners.containsKey(port) && inlineListeners.remove(port) != null;
        inOrderPorts.remove(port);
        return listeners.remove(port) != null || inline;
    }

    public void onDatagram(int port, DatagramListener listener) {
        if (datagramListeners.putIfAbsent(port, listener) != null) {
            throw new IllegalStateException("port " + port + " already has a datagram listener");
        }
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    // ---------------------------------------------------------------------------------------------
    // Client side (event loop)

    /**
     * Sends a request on a new stream; {@code result} is delivered the reply or a {@link PilotException}. The request
     * carries the {@link Headers#DEADLINE deadline} {@code timeoutNanos}, or the one {@code message} carries if that
     * is shorter (a caller passing on what is left of its own); cancelling {@code result} resets the stream.
     */
    public void request(Peer peer, int port, Message message, long timeoutNanos, ReplyFuture<Message> result) {
        if (result.isCancelled()) {
            return; // the caller gave up while the session was being set up: nothing to send
        }
        if (message.body().length > maxMessageSize) {
            result.deliverFailure(new PilotException(ErrorCode.TOO_LARGE, "message of " + message.body().length
                    + " bytes exceeds the limit of " + maxMessageSize + " bytes"));
            return;
        }
        long deadlineMillis = DeadlineHeader.millisOf(timeoutNanos);
        try {
            long carried = DeadlineHeader.parse(message.header(Headers.DEADLINE));
            if (carried != DeadlineHeader.ABSENT && carried < deadlineMillis) {
                deadlineMillis = carried;
                timeoutNanos = TimeUnit.MILLISECONDS.toNanos(carried);
            }
        } catch (FrameException e) {
            result.deliverFailure(new PilotException(ErrorCode.INVALID_ARGUMENT, e.getMessage()));
            return;
        }
        message = message.header(Headers.CORRELATION_ID) == null
                ? message.withAll(Map.of(Headers.CORRELATION_ID, correlationId(),
                        Headers.DEADLINE, Long.toString(deadlineMillis)))
                : message.with(Headers.DEADLINE, Long.toString(deadlineMillis));
        Stream stream = peer.connection().openStream(port);
        ClientExchange exchange = new ClientExchange(peer, stream, result);
        stream.setHandler(exchange);
        pending.computeIfAbsent(peer, p -> new LinkedHashSet<>()).add(exchange);
        long deadlineNanos = timeoutNanos;
        // Past the deadline by a grace, so that the callee's DEADLINE_EXCEEDED arrives first when it is alive.
        exchange.timeout = loop.schedule(() -> exchange.timedOut(deadlineNanos), timeoutNanos + DEADLINE_GRACE_NANOS,
                TimeUnit.NANOSECONDS);
        write(stream, new MessageFrame(FrameKind.REQUEST, message));
        // With the requests of other callers queued on the loop meanwhile, in one packet where they fit.
        flushes.flushSoon(peer);
        result.whenCancelled(() -> {
            try {
                loop.execute(exchange::cancelledByCaller);
            } catch (RejectedExecutionException closed) {
                // The node closed: its connections, and the stream with them, are gone already.
            }
        });
    }

    /** How a streamed reply finds its peer: calls one of the two, {@code onPeer} on the event loop. */
    public interface PeerFinder {
        void find(Consumer<Peer> onPeer, Consumer<Throwable> onFailure);
    }

    /** What {@link #requestStream}'s {@code deadlineNanos} is when the caller sets no total limit. */
    public static final long NO_DEADLINE = -1;

    /**
     * A streamed reply (docs/PROTOCOL.md §6.6): a cold publisher whose every subscription finds the peer with
     * {@code target}, opens a stream to {@code port} and sends {@code message} as REQUEST_STREAM on the
     * subscriber's first demand. At most {@code window} items are on their way or waiting for the subscriber;
     * {@code idleTimeoutNanos} bounds the wait for each item while the server owes some. {@code deadlineNanos}
     * ({@link #NO_DEADLINE} for none) bounds the whole stream from the subscription, as does a {@code deadline} header
     * {@code message} carries if that is shorter: what is left of it travels as the REQUEST_STREAM's {@code deadline}.
     * Signals reach the subscriber on {@code callbacks}, never on the event loop.
     */
    public Flow.Publisher<Message> requestStream(PeerFinder target, int port, Message message, long idleTimeoutNanos,
            long deadlineNanos, int window, Executor callbacks) {
        return new StreamedReply(streamed, target, port, message, idleTimeoutNanos, deadlineNanos, window, callbacks);
    }

    /** Sends a one-way message on a new stream; {@code result} is delivered once it is handed to the transport. */
    public void send(Peer peer, int port, Message message, ReplyFuture<Void> result) {
        if (message.body().length > maxMessageSize) {
            result.deliverFailure(new PilotException(ErrorCode.TOO_LARGE, "message of " + message.body().length
                    + " bytes exceeds the limit of " + maxMessageSize + " bytes"));
            return;
        }
        Stream stream = peer.connection().openStream(port);
        stream.setHandler(DISCARD);
        write(stream, new MessageFrame(FrameKind.ONE_WAY, message));
        engine.flush(peer);
        result.deliver(null);
    }

    public boolean sendDatagram(Peer peer, int port, byte[] data) {
        boolean sent = peer.connection().sendDatagram(port, ByteBuffer.wrap(data));
        engine.flush(peer);
        return sent;
    }

    /**
     * A random (version 4) UUID to tell requests apart in logs and traces. It is no secret, so it comes from
     * {@link ThreadLocalRandom}: {@code UUID.randomUUID()} would take SecureRandom's lock on the loop for every request.
     */
    static String correlationId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }

    private static void write(Stream stream, MessageFrame frame) {
        FrameWriter.write(stream, frame);
        stream.finish();
    }

    private final class ClientExchange implements StreamHandler {
        private final Peer peer;
        private final Stream stream;
        private final ReplyFuture<Message> result;
        private final MessageFrameDecoder decoder = new MessageFrameDecoder(maxMessageSize);
        private ScheduledFuture<?> timeout;
        private boolean done;

        ClientExchange(Peer peer, Stream stream, ReplyFuture<Message> result) {
            this.peer = peer;
            this.stream = stream;
            this.result = result;
        }

        @Override
        public void onData(Stream s, ByteBuffer data) {
            if (done) {
                return;
            }
            try {
                MessageFrame frame = decoder.feed(data);
                if (frame != null) {
                    answered(frame);
                }
            } catch (FrameException e) {
                stream.reset(RESET_CANCELLED);
                finish(new PilotException(e.code(), "bad reply from " + peer.address() + ": " + e.getMessage()));
            }
        }

        private void answered(MessageFrame frame) {
            switch (frame.kind()) {
                case REPLY -> {
                    finish(null);
                    result.deliver(frame.message());
                }
                case ERROR -> {
                    stopSendingUnread();
                    finish(new PilotException(ErrorCode.fromWire(frame.message().header(Headers.ERROR_CODE)),
                            peer.address() + ": " + frame.message().bodyAsString(), frame.message()));
                }
                default -> finish(new PilotException(ErrorCode.PROTOCOL, peer.address() + " answered with a "
                        + frame.kind() + " frame"));
            }
        }

        /**
         * An error may come before the request was all sent (TOO_LARGE at its length, OVERLOADED part way): the peer
         * drops the rest unread, so stop sending it. Reset discards what is not yet acknowledged; the answer is read.
         * A request that went out whole (the usual error: a handler's) is left to finish.
         */
        private void stopSendingUnread() {
            if (!stream.isAllSent() && !stream.isSendFinished()) {
                stream.reset(RESET_CANCELLED);
                engine.flush(peer);
            }
        }

        @Override
        public void onFinished(Stream s) {
            if (!done) {
                finish(new PilotException(ErrorCode.PROTOCOL, peer.address() + " ended the stream without a reply"));
            }
        }

        @Override
        public void onReset(Stream s, int errorCode) {
            if (done) {
                return;
            }
            if (errorCode == TransportError.STREAM_REFUSED) {
                finish(new PilotException(ErrorCode.OVERLOADED, peer.address() + " refused the stream: too many open at once"));
            } else {
                finish(new PilotException(ErrorCode.CONNECTION_LOST, peer.address() + " reset the request stream (code "
                        + errorCode + ")"));
            }
        }

        void timedOut(long timeoutNanos) {
            if (!done) {
                stream.reset(RESET_CANCELLED);
                engine.flush(peer);
                finish(new PilotException(ErrorCode.TIMEOUT, "no reply from " + peer.address() + " within "
                        + timeoutNanos / 1_000_000 + " ms"));
            }
        }

        /** The caller cancelled its future: tell the callee (its handler is cancelled too); nobody else hears. */
        void cancelledByCaller() {
            if (!done) {
                stream.reset(RESET_CANCELLED);
                engine.flush(peer);
                finish(null);
            }
        }

        void connectionLost(String reason) {
            if (!done) {
                finish(new PilotException(ErrorCode.CONNECTION_LOST, "connection to " + peer.address() + " lost: " + reason));
            }
        }

        private void finish(PilotException failure) {
            done = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            Set<ClientExchange> exchanges = pending.get(peer);
            if (exchanges != null) {
                exchanges.remove(this);
                if (exchanges.isEmpty()) {
                    pending.remove(peer);
                }
            }
            if (failure != null) {
                result.deliverFailure(failure);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Server side (event loop)

    @Override
    public ConnectionHandler connectionHandler(Peer peer) {
        return new ConnectionHandler() {
            @Override
            public void onStreamOpened(Stream stream) {
                stream.setHandler(new ServerExchange(peer, stream));
            }

            @Override
            public void onDatagram(int port, ByteBuffer data) {
                DatagramListener listener = datagramListeners.get(port);
                if (listener != null) {
                    byte[] copy = new byte[data.remaining()];
                    data.get(copy);
                    handlerExecutor.execute(() -> listener.onDatagram(peer, port, copy));
                }
            }

            @Override
            public void onClosed(CloseReason reason) {
                inboundBudget.closed(peer);
                NavigableMap<Long, ServerExchange> served = handling.remove(peer);
                if (served != null) {
                    served.values().forEach(e -> e.cancel(ErrorCode.CANCELLED));
                }
                streamed.connectionClosed(peer, reason.message());
                Set<ClientExchange> exchanges = pending.remove(peer);
                if (exchanges != null) {
                    new ArrayList<>(exchanges).forEach(e -> e.connectionLost(reason.message()));
                }
                onClosed.accept(peer, reason.message());
            }
        };
    }

    @Override
    public void established(Peer peer, boolean newConnection) {
        onEstablished.accept(peer, newConnection);
    }

    private final class ServerExchange implements StreamHandler {
        private final Peer peer;
        private final Stream stream;
        private final MessageFrameDecoder decoder = new MessageFrameDecoder(maxMessageSize);
        private boolean answered;
        /** The request its handler serves on the executor, null until then. */
        private IncomingMessage incoming;
        /** The deadline the request carries, in ms from its arrival, or {@link DeadlineHeader#ABSENT}. */
        private long deadlineMillis = DeadlineHeader.ABSENT;
        private ScheduledFuture<?> deadlineTimer;
        /** Its number among the requests handed to the handler executor, once handed. */
        private long handOff;

        ServerExchange(Peer peer, Stream stream) {
            this.peer = peer;
            this.stream = stream;
        }

        /** This request's bytes booked against its peer's share and the node's budget. */
        private int accounted;
        /** Its peer's account, taken when it first books: most requests arrive whole and never do. */
        private InboundBudget<Peer>.Account budget;

        @Override
        public void onData(Stream s, ByteBuffer data) {
            if (answered) {
                return;
            }
            MessageFrame frame;
            try {
                frame = decoder.feed(data);
            } catch (FrameException e) {
                release();
                reply(MessageFrame.error(e.code(), e.getMessage()));
                return;
            }
            if (frame != null) {
                release();
                dispatch(frame);
                if (data.hasRemaining()) {
                    // Only after REQUEST_STREAM (the decoder refuses more bytes after any other frame): CREDIT frames.
                    stream.handler().onData(stream, data);
                }
            } else {
                int buffered = decoder.bufferedBytes();
                if (budget == null) {
                    budget = inboundBudget.of(peer);
                }
                if (!budget.change(accounted, buffered)) {
                    boolean nodeFull = budget.nodeFullFor(buffered - accounted);
                    release();
                    reply(MessageFrame.error(ErrorCode.OVERLOADED, nodeFull
                            ? "too many partly received messages at " + engine.localAddress() + " from all peers (over "
                                    + inboundBudget.total() + " bytes)"
                            : "too many partly received messages from " + peer.address() + " (over "
                                    + inboundBudget.perPeer() + " bytes)"));
                } else {
                    accounted = buffered;
                }
            }
        }

        /** Lets go of what this request had booked. */
        private void release() {
            if (budget != null) {
                budget.change(accounted, 0);
            }
            accounted = 0;
        }

        @Override
        public void onFinished(Stream s) {
            release();
            if (!answered && !decoder.isComplete()) {
                reply(MessageFrame.error(ErrorCode.PROTOCOL, "stream ended inside a frame"));
            }
        }

        private void dispatch(MessageFrame frame) {
            if (frame.kind() == FrameKind.REQUEST_STREAM) {
                answered = true;
                streamed.serve(peer, stream, frame.message());
                return;
            }
            if (frame.kind() != FrameKind.REQUEST && frame.kind() != FrameKind.ONE_WAY) {
                reply(MessageFrame.error(ErrorCode.PROTOCOL, "expected a request, got " + frame.kind()));
                return;
            }
            boolean expectsReply = frame.kind() == FrameKind.REQUEST;
            Cancellation cancellation = admitDeadline(frame.message(), expectsReply);
            if (cancellation == null) {
                return;
            }
            IncomingMessage incoming = new IncomingMessage(peer.address(), peer.key(), stream.port(), frame.message(),
                    expectsReply, cancellation);
            InlineHandler inline = inlineListeners.get(stream.port());
            if (inline != null) {
                MessageFrame answer;
                try {
                    Message reply = inline.handle(incoming);
                    answer = reply == null ? null : toFrame(incoming, reply, null); // the pooled path's size limit too
                } catch (RuntimeException | Error e) {
                    // As the pooled path answers it (INTERNAL): thrown on, it would leave the packet half applied.
                    answer = toFrame(incoming, null, e);
                }
                if (answer != null) {
                    replyOrFinish(expectsReply, answer);
                    return;
                }
            }
            MessageHandler handler = listeners.get(stream.port());
            if (handler == null) {
                replyOrFinish(expectsReply, MessageFrame.error(ErrorCode.NO_LISTENER, "nothing listens on port "
                        + stream.port() + " of " + engine.localAddress()));
                return;
            }
            int port = stream.port();
            if (!servingLimits.tryEnter(port)) {
                replyOrFinish(expectsReply, MessageFrame.error(ErrorCode.OVERLOADED, engine.localAddress()
                        + " is serving its limit of " + servingLimits.limit(port) + " requests on port " + port));
                return;
            }
            answered = true;
            try {
                inOrderPorts.getOrDefault(port, handlerExecutor).execute(() -> invoke(handler, incoming));
                startHandling(incoming);
            } catch (RejectedExecutionException e) {
                servingLimits.exit(port);
                answered = false;
                replyOrFinish(expectsReply, MessageFrame.error(ErrorCode.OVERLOADED, engine.localAddress()
                        + " has no capacity for more requests now"));
            }
        }

        /**
         * The request's cancellation, with the deadline it carries; or null once it was answered here: a malformed
         * deadline (PROTOCOL), or one already spent on arrival (DEADLINE_EXCEEDED, the handler never runs).
         */
        private Cancellation admitDeadline(Message request, boolean expectsReply) {
            try {
                deadlineMillis = DeadlineHeader.admit(request, engine.localAddress());
            } catch (FrameException e) {
                replyOrFinish(expectsReply, MessageFrame.error(e.code(), e.getMessage()));
                return null;
            }
            return Cancellation.forDeadline(deadlineMillis, callbacks);
        }

        /** The handler was handed the request: cancel it if the deadline passes or the connection closes first. */
        private void startHandling(IncomingMessage incoming) {
            this.incoming = incoming;
            handOff = ++handOffs;
            handling.computeIfAbsent(peer, p -> new TreeMap<>()).put(handOff, this);
            long millis = deadlineMillis;
            if (millis != DeadlineHeader.ABSENT) {
                deadlineTimer = loop.schedule(() -> deadlinePassed(millis), millis, TimeUnit.MILLISECONDS);
            }
        }

        /** The caller's deadline passed before the handler answered: answer DEADLINE_EXCEEDED and cancel its work. */
        private void deadlinePassed(long millis) {
            boolean expectsReply = incoming != null && incoming.expectsReply();
            if (cancel(ErrorCode.DEADLINE_EXCEEDED)) {
                answered = false;
                replyOrFinish(expectsReply, MessageFrame.error(ErrorCode.DEADLINE_EXCEEDED, engine.localAddress()
                        + " did not answer within the caller's deadline of " + millis + " ms; the work was cancelled"));
            }
        }

        /**
         * Cancels the handler's work with {@code reason} (its answer, if it comes, is dropped); false if it already
         * answered or was cancelled. On the event loop.
         */
        boolean cancel(ErrorCode reason) {
            IncomingMessage served = incoming;
            if (served == null || !served.cancellation().cancel(reason)) {
                return false;
            }
            stopHandling();
            return true;
        }

        /**
         * Forgets the handler's work (it answered or was cancelled): its deadline timer and its place among the
         * peer's requests in progress; nothing cancels it from now on.
         */
        private void stopHandling() {
            incoming = null;
            if (deadlineTimer != null) {
                deadlineTimer.cancel(false);
                deadlineTimer = null;
            }
            NavigableMap<Long, ServerExchange> exchanges = handling.get(peer);
            if (exchanges != null && exchanges.remove(handOff, this) && exchanges.isEmpty()) {
                handling.remove(peer);
            }
        }

        private void invoke(MessageHandler handler, IncomingMessage incoming) {
            CompletionStage<Message> stage;
            try {
                stage = handler.handle(incoming);
            } catch (Exception | Error e) {
                stage = CompletableFuture.failedFuture(e);
            }
            if (stage instanceof CompletableFuture<Message> future) {
                incoming.cancellation().onCancel(() -> future.cancel(false));
            }
            stage.whenComplete((reply, failure) -> loop.execute(() -> {
                // The port's slot is held until the handler's work ends, cancelled or not: it still occupies a thread.
                servingLimits.exit(incoming.port());
                if (incoming.cancellation().isCancelled()) {
                    return; // answered DEADLINE_EXCEEDED already, or the caller is gone: nobody wants this answer
                }
                stopHandling();
                answered = false;
                replyOrFinish(incoming.expectsReply(), toFrame(incoming, reply, failure), true);
            }));
        }

        private MessageFrame toFrame(IncomingMessage incoming, Message reply, Throwable failure) {
            if (failure instanceof CompletionException && failure.getCause() != null) {
                failure = failure.getCause();
            }
            if (failure instanceof PilotException pilot) {
                return pilot.reply() == null ? MessageFrame.error(pilot.code(), pilot.getMessage())
                        : MessageFrame.error(pilot.code(), pilot.reply());
            }
            if (failure != null) {
                return internalError(incoming, failure);
            }
            Message body = reply == null ? Message.empty() : reply;
            if (body.body().length > maxMessageSize) {
                return MessageFrame.error(ErrorCode.TOO_LARGE, "reply of " + body.body().length
                        + " bytes exceeds the limit of " + maxMessageSize + " bytes");
            }
            return new MessageFrame(FrameKind.REPLY, body);
        }

        private void replyOrFinish(boolean expectsReply, MessageFrame frame) {
            replyOrFinish(expectsReply, frame, false);
        }

        /**
         * @param atRoundEnd whether the flush waits for the end of the loop's round of tasks ({@link RoundFlushes}):
         *     for answers handed back by handler threads, many of which may be queued on the loop at once; up to the
         *     reply coalescing window when more are coming ({@link #moreRepliesComing}), for theirs to come too
         */
        private void replyOrFinish(boolean expectsReply, MessageFrame frame, boolean atRoundEnd) {
            if (expectsReply) {
                reply(frame, atRoundEnd);
            } else {
                answered = true;
                decoder.discard();
                try {
                    stream.finish();
                    flush(atRoundEnd);
                } catch (IllegalStateException streamGone) {
                    // The peer reset the stream or the connection closed: nobody is left to tell.
                }
            }
        }

        private void reply(MessageFrame frame) {
            reply(frame, false);
        }

        private void reply(MessageFrame frame, boolean atRoundEnd) {
            if (answered) {
                return;
            }
            answered = true;
            decoder.discard(); // an answer before the request was whole drops the rest unread: hold nothing for it
            try {
                write(stream, frame);
                flush(atRoundEnd);
            } catch (IllegalStateException streamGone) {
                // The requester gave up (reset) or the connection closed while the handler ran.
            }
        }

        /**
         * Whether a request the peer sent after this one is still with a handler here: likely to answer soon. A lone
         * call does not wait, nor one beside a long-running request the peer sent before it.
         */
        private boolean moreRepliesComing() {
            NavigableMap<Long, ServerExchange> exchanges = handling.get(peer);
            return exchanges != null && exchanges.lastKey() > handOff;
        }

        private void flush(boolean atRoundEnd) {
            if (atRoundEnd && replyCoalescingNanos > 0 && moreRepliesComing()) {
                // More replies to this peer are on their way from handler threads: one packet for several.
                flushes.flushWithin(peer, replyCoalescingNanos);
            } else if (atRoundEnd) {
                flushes.flushSoon(peer);
            } else {
                engine.flush(peer);
            }
        }

        /**
         * A failure the handler did not mean for the caller (a bug): the caller learns that it happened and where to
         * look, not the class or message, which may describe the serving agent's insides; the log gets the details.
         */
        private MessageFrame internalError(IncomingMessage incoming, Throwable failure) {
            // A node sets one on every request; a peer that left it out gets "none" to quote.
            String correlationId = Objects.requireNonNullElse(incoming.message().header(Headers.CORRELATION_ID), "none");
            log.warn("handler on port {} failed serving {} (correlation-id {})", incoming.port(), incoming.from(),
                    correlationId, failure);
            String details = exposeErrorDetails ? " (" + failure.getClass().getSimpleName()
                    + (failure.getMessage() == null ? "" : ": " + failure.getMessage()) + ")" : "";
            return MessageFrame.error(ErrorCode.INTERNAL, "internal error" + details
                    + "; see the serving agent's log, correlation-id " + correlationId);
        }

        @Override
        public void onReset(Stream s, int errorCode) {
            answered = true;
            decoder.discard();
            release();
            cancel(ErrorCode.CANCELLED); // whatever the code: the caller has gone, so has the point of the work
        }
    }

    private static final StreamHandler DISCARD = (stream, data) -> data.position(data.limit());
}
