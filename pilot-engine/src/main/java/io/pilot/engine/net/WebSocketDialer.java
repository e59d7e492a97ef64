package io.pilot.engine.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * Opens a node's WebSocket to its backbone ({@code ws://host:port/pilot} or {@code wss://}), directly or
 * through an HTTP CONNECT proxy with basic authentication. The TLS certificate is not checked against a CA:
 * the backbone is authenticated by its Noise key inside, as over UDP, and TLS is there so the bytes pass
 * networks that let only HTTPS out. Pings every {@link #PING_SECONDS} s keep proxies and NATs from closing a
 * quiet connection.
 */
final class WebSocketDialer {

    static final int PING_SECONDS = 20;
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final EventLoop loop;
    private final Class<? extends Channel> channelType;
    private final BearerSwitch bearers;
    private final StreamCounters counters;
    private final InetSocketAddress udpAddress;
    private final SslContext tls;

    WebSocketDialer(EventLoop loop, Class<? extends Channel> channelType, BearerSwitch bearers,
            StreamCounters counters, InetSocketAddress udpAddress) {
        this.loop = loop;
        this.channelType = channelType;
        this.bearers = bearers;
        this.counters = counters;
        this.udpAddress = udpAddress;
        try {
            this.tls = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        } catch (SSLException e) {
            throw new IllegalStateException("no TLS client context: " + e.getMessage(), e);
        }
    }

    /**
     * Connects and upgrades; the future holds the upgraded channel, or fails with a message an operator can
     * act on (naming the proxy, never its credentials).
     *
     * @param backbone the backbone's UDP endpoint: datagrams from this connection arrive as if from it
     * @param proxy the proxy to go through, or null to connect directly
     */
    Future<Channel> dial(WebSocketTarget target, InetSocketAddress backbone, ProxySettings proxy) {
        Promise<Channel> upgraded = loop.newPromise();
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        lay(channel.pipeline(), target, backbone, proxy, upgraded);
                    }
                });
        InetSocketAddress remote;
        if (proxy != null) {
            bootstrap.resolver(NoopAddressResolverGroup.INSTANCE); // the proxy resolves the backbone's name
            remote = InetSocketAddress.createUnresolved(target.host(), target.port());
        } else {
            remote = new InetSocketAddress(target.host(), target.port());
        }
        bootstrap.connect(remote).addListener(connected -> {
            if (!connected.isSuccess()) {
                upgraded.tryFailure(explain(connected.cause(), target, proxy));
            }
        });
        return upgraded;
    }

    private void lay(ChannelPipeline pipeline, WebSocketTarget target, InetSocketAddress backbone,
            ProxySettings proxy, Promise<Channel> upgraded) {
        if (proxy != null) {
            HttpProxyHandler connect = proxy.authenticates()
                    ? new HttpProxyHandler(proxy.address(), proxy.user(), proxy.password())
                    : new HttpProxyHandler(proxy.address());
            connect.setConnectTimeoutMillis(CONNECT_TIMEOUT_MILLIS);
            pipeline.addLast("proxy", connect);
        }
        if (target.tls()) {
            pipeline.addLast("tls", tls.newHandler(pipeline.channel().alloc(), target.host(), target.port()));
        }
        pipeline.addLast("http", new HttpClientCodec());
        pipeline.addLast("aggregator", new HttpObjectAggregator(8192));
        pipeline.addLast("datagram-size", new HeardDatagramSize());
        HttpHeaders announced = new DefaultHttpHeaders();
        StreamDatagramSize.announce(announced);
        pipeline.addLast("websocket", new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(URI.create(target.uri()))
                .customHeaders(announced)
                .maxFramePayloadLength(StreamDatagramSize.ACCEPTED)
                .handshakeTimeoutMillis(WebSocketListener.HANDSHAKE_TIMEOUT_MILLIS)
                .dropPongFrames(true)
                .build()));
        pipeline.addLast("ping", new IdleStateHandler(0, PING_SECONDS, 0));
        pipeline.addLast("outcome", new Outcome(target, proxy, upgraded));
        pipeline.addLast("datagrams", new WebSocketDatagrams(bearers, counters, () -> backbone, udpAddress));
    }

    /** Reads what the backbone's 101 answer says about the datagrams it takes ({@link StreamDatagramSize}), then leaves. */
    private static final class HeardDatagramSize extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse response) {
                if (response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                    StreamDatagramSize.heard(ctx.channel(), response.headers());
                }
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Completes the dial with the upgrade's outcome, then pings when the connection has been quiet. */
    private static final class Outcome extends ChannelInboundHandlerAdapter {

        private final WebSocketTarget target;
        private final ProxySettings proxy;
        private final Promise<Channel> upgraded;

        Outcome(WebSocketTarget target, ProxySettings proxy, Promise<Channel> upgraded) {
            this.target = target;
            this.proxy = proxy;
            this.upgraded = upgraded;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                upgraded.trySuccess(ctx.channel());
            } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                fail(ctx, new IllegalStateException(target.uri() + " did not complete the WebSocket upgrade in time"
                        + via(proxy)));
            } else if (event instanceof IdleStateEvent) {
                ctx.writeAndFlush(new PingWebSocketFrame());
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, explain(cause, target, proxy));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            upgraded.tryFailure(new IllegalStateException(target.uri() + " closed the connection before the upgrade"
                    + via(proxy)));
            ctx.fireChannelInactive();
        }

        private void fail(ChannelHandlerContext ctx, Throwable cause) {
            upgraded.tryFailure(cause);
            ctx.close();
        }
    }

    /**
     * A failure in words: the proxy's refusal named as such, never the credentials. A refusal of the credentials is
     * a 407, or a 401 to a request that carried some: Debian's tinyproxy (1.11) answers a wrong
     * {@code Proxy-Authorization} with {@code 401 Unauthorized} and only a missing one with 407.
     */
    static Throwable explain(Throwable cause, WebSocketTarget target, ProxySettings proxy) {
        ProxyConnectException refused = find(cause, ProxyConnectException.class);
        if (refused != null && proxy != null) {
            String message = refused.getMessage() == null ? "" : refused.getMessage();
            String status = message.contains("status:") ? message.substring(message.indexOf("status:") + 7).trim() : null;
            boolean credentials = status != null && (status.startsWith("407")
                    || status.startsWith("401") && proxy.authenticates());
            String why = credentials
                    ? "refused the credentials (" + status + "): check the user and password in its URL"
                    : status != null ? "refused the CONNECT (" + status + ")"
                    : "failed: " + message.replaceAll("^.*=> ", "");
            String text = "the HTTP proxy " + proxy + " " + why + " (connecting to " + target.host() + ":"
                    + target.port() + ")";
            return credentials ? new ProxyCredentialsRefused(text, cause) : new IllegalStateException(text, cause);
        }
        return new IllegalStateException(target.uri() + via(proxy) + ": " + cause.getMessage(), cause);
    }

    /** The proxy refused the credentials: every other target through it would be refused alike. */
    static final class ProxyCredentialsRefused extends IllegalStateException {

        ProxyCredentialsRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String via(ProxySettings proxy) {
        return proxy == null ? "" : " via proxy " + proxy;
    }

    private static <T extends Throwable> T find(Throwable cause, Class<T> type) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
