package io.pilot.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLEngine;

/**
 * The baseline Pilot's bulk path is held against: one TLS 1.3 connection over loopback TCP, Netty on
 * both ends with the JDK's TLS provider (pure Java, like Pilot's crypto), AES-256-GCM pinned. The client
 * writes 64 KiB chunks as fast as the channel stays writable; the server counts the plaintext bytes it
 * reads and discards them.
 *
 * <p>Each end has a single event-loop thread, as a Pilot node has, and uses epoll when Pilot would. TCP
 * brings its own segmentation offload and kernel-side reliability; that asymmetry is the point of the
 * comparison, not a flaw in it.
 */
public final class TlsBulkTransfer implements AutoCloseable {

    private static final int CHUNK_BYTES = 64 * 1024;

    private final EventLoopGroup serverGroup;
    private final EventLoopGroup clientGroup;
    private final AtomicLong delivered = new AtomicLong();
    private final Pump pump;
    private final Channel client;
    private final String cipherSuite;

    /** Starts a server, connects a client and completes the TLS handshake. */
    public TlsBulkTransfer() {
        SelfSignedTls tls = SelfSignedTls.create();
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        serverGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tls-server", true), io);
        clientGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tls-client", true), io);
        byte[] bytes = new byte[CHUNK_BYTES];
        ThreadLocalRandom.current().nextBytes(bytes);
        pump = new Pump(Unpooled.wrappedBuffer(bytes));
        try {
            Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class
                    : NioServerSocketChannel.class;
            Channel server = new ServerBootstrap().group(serverGroup).channel(serverType)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tls.server().newHandler(ch.alloc()), new Counter(delivered));
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            client = new Bootstrap().group(clientGroup)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tls.client().newHandler(ch.alloc(), SelfSignedTls.HOST,
                                    address.getPort()), pump);
                        }
                    })
                    .connect(address).sync().channel();
            SslHandler ssl = client.pipeline().get(SslHandler.class);
            ssl.handshakeFuture().sync();
            SSLEngine engine = ssl.engine();
            cipherSuite = engine.getSession().getProtocol() + " " + engine.getSession().getCipherSuite();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting the TLS baseline", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The negotiated protocol and suite, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384". */
    public String cipherSuite() {
        return cipherSuite;
    }

    /** Streams for {@code window}, then stops writing and waits for the connection to go quiet. */
    public Transfer measure(Duration window) throws InterruptedException {
        long before = delivered.get();
        long start = System.nanoTime();
        pump.start(client);
        TimeUnit.NANOSECONDS.sleep(window.toNanos());
        long bytes = delivered.get() - before;
        long elapsed = System.nanoTime() - start;
        pump.stop();
        Quiet.waitFor(delivered);
        return new Transfer(bytes, elapsed);
    }

    @Override
    public void close() {
        clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Counts and drops decrypted bytes. */
    private static final class Counter extends ChannelInboundHandlerAdapter {
        private final AtomicLong delivered;

        Counter(AtomicLong delivered) {
            this.delivered = delivered;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            delivered.addAndGet(buf.readableBytes());
            buf.release();
        }
    }

    /** Keeps the client's outbound buffer full while switched on. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Pump extends ChannelInboundHandlerAdapter {
        private final ByteBuf chunk;
        private volatile boolean on;

        Pump(ByteBuf chunk) {
            this.chunk = chunk;
        }

        void start(Channel channel) {
            on = true;
            channel.eventLoop().execute(() -> fill(channel));
        }

        void stop() {
            on = false;
        }

        private void fill(Channel channel) {
            while (on && channel.isWritable()) {
                channel.write(chunk.retainedDuplicate());
            }
            channel.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            fill(ctx.channel());
            ctx.fireChannelWritabilityChanged();
        }
    }
}
