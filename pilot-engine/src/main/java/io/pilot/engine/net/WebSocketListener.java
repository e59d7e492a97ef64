package io.pilot.engine.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The backbone's TCP listener: HTTP/1.1 upgraded to WebSocket (RFC 6455) at {@link #PATH}, over TLS when given
 * a certificate. Each upgraded connection becomes a {@link StreamEndpoint} whose binary frames are Pilot
 * datagrams, read no further here than over UDP. Everything else is refused, timed out and counted: a request
 * that is not an upgrade (400 or 426, then close), a request line or headers past a few KiB, a frame past the
 * largest datagram, a text or fragmented message, a handshake (TLS and HTTP) not done within
 * {@link #HANDSHAKE_TIMEOUT_MILLIS}, an upgraded connection silent for {@link #IDLE_TIMEOUT_SECONDS}, and any
 * connection past {@code maxConnections}.
 */
public final class WebSocketListener {

    /** The one path a Pilot WebSocket upgrades at. */
    public static final String PATH = "/pilot";
    /** From accept to a completed upgrade, TLS included; a slowloris client is closed when it passes. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 5_000;
    /** An upgraded connection that sends nothing for this long is closed (clients ping every 20 s). */
    static final int IDLE_TIMEOUT_SECONDS = 75;
    /** Request line and headers: an upgrade needs far less. */
    private static final int MAX_REQUEST_BYTES = 4096;

    private final EventLoop loop;
    private final Class<? extends ServerChannel> channelType;
    private final BearerSwitch bearers;
    private final StreamCounters counters;
    private final InetSocketAddress udpAddress;
    private final SslContext tls;
    private final int maxConnections;
    private final List<Channel> servers = new ArrayList<>();
    private final ChannelGroup connections;

    WebSocketListener(EventLoop loop, Class<? extends ServerChannel> channelType, BearerSwitch bearers,
            StreamCounters counters, InetSocketAddress udpAddress, SslContext tls, int maxConnections) {
        this.loop = loop;
        this.channelType = channelType;
        this.bearers = bearers;
        this.counters = counters;
        this.udpAddress = udpAddress;
        this.tls = tls;
        this.maxConnections = maxConnections;
        this.connections = new DefaultChannelGroup(loop);
    }

    /** Listens on {@code address} too; returns the bound address (the actual port for port 0). */
    InetSocketAddress bind(InetSocketAddress address) throws InterruptedException {
        Channel server = new ServerBootstrap().group(loop, loop).channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        lay(channel);
                    }
                })
                .bind(address).sync().channel();
        servers.add(server);
        return (InetSocketAddress) server.localAddress();
    }

    List<InetSocketAddress> addresses() {
        return servers.stream().map(s -> (InetSocketAddress) s.localAddress()).toList();
    }

    boolean tls() {
        return tls != null;
    }

    /** Stops listening and closes every connection; does not wait (it may run on the event loop). */
    void close() {
        servers.forEach(Channel::close);
        connections.close();
    }

    private void lay(Channel channel) {
        counters.accepted.increment();
        if (counters.open.incrementAndGet() > maxConnections) {
            counters.open.decrementAndGet();
            counters.overCapacity.increment();
            channel.config().setAutoRead(false);
            channel.close();
            return;
        }
        channel.closeFuture().addListener(f -> counters.open.decrementAndGet());
        connections.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        if (tls != null) {
            pipeline.addLast("tls", tls.newHandler(channel.alloc()));
        }
        pipeline.addLast("http", new HttpServerCodec(MAX_REQUEST_BYTES, MAX_REQUEST_BYTES, MAX_REQUEST_BYTES));
        pipeline.addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
        // After the decoders, so their failures pass it; before the WebSocket handler, so its answers do too.
        pipeline.addLast("deadline", new HandshakeDeadline());
        pipeline.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PATH)
                .checkStartsWith(false)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                .maxFramePayloadLength(StreamDatagramSize.ACCEPTED)
                .allowExtensions(false)
                .dropPongFrames(true)
                .build()));
        pipeline.addLast("not-upgrade", new NotAnUpgrade());
        StreamEndpoint endpoint = new StreamEndpoint((InetSocketAddress) channel.remoteAddress(), channel);
        pipeline.addLast("datagrams", new WebSocketDatagrams(bearers, counters, () -> endpoint, udpAddress));
        // Last, so every event and failure of the stages above reaches it.
        pipeline.addLast("watch", new ConnectionWatch((HandshakeDeadline) pipeline.get("deadline")));
    }

    /**
     * Closes a connection that has not upgraded within the handshake timeout; counts the listener's answers
     * that refuse an upgrade. Sits before the WebSocket handler so its answers pass it.
     */
    private final class HandshakeDeadline extends ChannelDuplexHandler {

        private ScheduledFuture<?> deadline;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            deadline = ctx.executor().schedule(() -> {
                counters.handshakeTimeouts.increment();
                ctx.close();
            }, HANDSHAKE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }

        /** The WebSocket handler's answer to a malformed upgrade at {@link #PATH} (400), or {@link NotAnUpgrade}'s 426. */
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse response && response.status().code() >= 400) {
                counters.notUpgrade.increment();
            } else if (msg instanceof HttpResponse response
                    && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                StreamDatagramSize.announce(response.headers());
            }
            ctx.write(msg, promise);
        }

        void cancel() {
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
    }

    /**
     * The end of a connection's pipeline: an upgrade ends the handshake deadline and starts the idle timeout;
     * silence, a failed TLS handshake and any failure of a stage above are counted, and close the connection.
     */
    private final class ConnectionWatch extends ChannelInboundHandlerAdapter {

        private final HandshakeDeadline deadline;

        ConnectionWatch(HandshakeDeadline deadline) {
            this.deadline = deadline;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete upgrade) {
                StreamDatagramSize.heard(ctx.channel(), upgrade.requestHeaders());
                deadline.cancel();
                counters.upgraded.increment();
                ctx.pipeline().addFirst("idle", new IdleStateHandler(IDLE_TIMEOUT_SECONDS, 0, 0));
            } else if (event instanceof IdleStateEvent) {
                counters.idleTimeouts.increment();
                ctx.close();
            } else if (event instanceof SslHandshakeCompletionEvent tlsDone && !tlsDone.isSuccess()) {
                counters.tlsFailures.increment();
                ctx.close();
            }
            ReferenceCountUtil.release(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset by the client is no bad input; TLS garbage is counted by the handshake's failure event.
            if (cause instanceof DecoderException && !(cause.getCause() instanceof NotSslRecordException)) {
                counters.badFrames.increment();
            }
            ctx.close();
        }
    }

    /**
     * A request the WebSocket handler passed on: not for {@link #PATH}, so not a Pilot upgrade. Answered 426
     * Upgrade Required and closed. (An upgrade attempt at {@link #PATH} that is malformed gets the protocol
     * handler's 400.)
     */
    private final class NotAnUpgrade extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpRequest)) {
                ctx.fireChannelRead(msg);
                return;
            }
            ReferenceCountUtil.release(msg); // counted by the deadline's watch on the answer
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.UPGRADE_REQUIRED,
                    Unpooled.copiedBuffer("Pilot speaks WebSocket at " + PATH + "\n", StandardCharsets.US_ASCII));
            response.headers().set(HttpHeaderNames.UPGRADE, "websocket")
                    .set(HttpHeaderNames.CONNECTION, "Upgrade, close")
                    .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
