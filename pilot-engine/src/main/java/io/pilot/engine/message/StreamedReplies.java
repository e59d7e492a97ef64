package io.pilot.engine.message;

import io.netty.channel.EventLoop;
import io.pilot.engine.session.Peer;
import io.pilot.engine.transport.Stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * What {@link MessageService} needs for streamed replies (docs/PROTOCOL.md §6.6), kept apart from the plain
 * request/reply path: the streams open with each peer, on both sides, so that a lost connection ends them all
 * (subscribers told, producers cancelled), and the services the exchanges share. Event loop only.
 */
final class StreamedReplies {

    /** An open streamed reply, of either side. */
    interface PeerStream {
        void connectionLost(String reason);
    }

    private final EventLoop loop;
    private final Executor handlerExecutor;
    private final Executor callbacks;
    private final int maxMessageSize;
    private final ServingLimits servingLimits;
    private final IntFunction<MessageHandler> listeners;
    private final Consumer<Peer> flush;
    private final Supplier<Object> localAddress;
    private final Map<Peer, Set<PeerStream>> open = new HashMap<>();
    private final Set<Peer> flushPending = new HashSet<>();

    /** @param callbacks where a served stream's {@link Cancellation#onCancel} actions run: never the event loop */
    StreamedReplies(EventLoop loop, Executor handlerExecutor, Executor callbacks, int maxMessageSize, ServingLimits servingLimits,
            IntFunction<MessageHandler> listeners, Consumer<Peer> flush, Supplier<Object> localAddress) {
        this.loop = loop;
        this.handlerExecutor = handlerExecutor;
        this.callbacks = callbacks;
        this.maxMessageSize = maxMessageSize;
        this.servingLimits = servingLimits;
        this.listeners = listeners;
        this.flush = flush;
        this.localAddress = localAddress;
    }

    /** Serves a stream whose first frame was REQUEST_STREAM: from now on the stream's handler is its exchange. */
    void serve(Peer peer, Stream stream, Message request) {
        ServerStreamExchange exchange = new ServerStreamExchange(this, peer, stream);
        stream.setHandler(exchange);
        exchange.start(request);
    }

    EventLoop loop() {
        return loop;
    }

    Executor handlerExecutor() {
        return handlerExecutor;
    }

    Executor callbacks() {
        return callbacks;
    }

    int maxMessageSize() {
        return maxMessageSize;
    }

    ServingLimits servingLimits() {
        return servingLimits;
    }

    MessageHandler listener(int port) {
        return listeners.apply(port);
    }

    Object localAddress() {
        return localAddress.get();
    }

    void flush(Peer peer) {
        flush.accept(peer);
    }

    /**
     * Flushes {@code peer} once the loop has run the tasks queued now: items a producer emits in a burst each arrive
     * as a loop task, and go out together in full packets rather than one packet each.
     */
    void flushSoon(Peer peer) {
        if (flushPending.add(peer)) {
            loop.execute(() -> {
                flushPending.remove(peer);
                flush.accept(peer);
            });
        }
    }

    void register(Peer peer, PeerStream stream) {
        open.computeIfAbsent(peer, p -> new LinkedHashSet<>()).add(stream);
    }

    void unregister(Peer peer, PeerStream stream) {
        Set<PeerStream> streams = open.get(peer);
        if (streams != null && streams.remove(stream) && streams.isEmpty()) {
            open.remove(peer);
        }
    }

    /** The connection to {@code peer} closed: every streamed reply with it ends. */
    void connectionClosed(Peer peer, String reason) {
        Set<PeerStream> streams = open.remove(peer);
        if (streams != null) {
            new ArrayList<>(streams).forEach(s -> s.connectionLost(reason));
        }
    }
}
