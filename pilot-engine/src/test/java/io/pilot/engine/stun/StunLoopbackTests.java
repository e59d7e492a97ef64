package io.pilot.engine.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real UDP socket on 127.0.0.1 (epoll when available, as Pilot uses, else NIO) with the handler in
 * front of a stand-in for Pilot's decoder, queried by this package's clients and by a STUN client
 * nobody here wrote.
 */
class StunLoopbackTests {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final StunServerHandler stun = new StunServerHandler();
    private final BlockingQueue<byte[]> passedOn = new LinkedBlockingQueue<>();
    private EventLoopGroup group;
    private Channel server;

    @BeforeEach
    void startServer() throws InterruptedException {
        server = bind(new ChannelInitializer<DatagramChannel>() {
            @Override
            protected void initChannel(DatagramChannel ch) {
                ch.pipeline().addLast(stun, new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        passedOn.add(ByteBufUtil.getBytes(packet.content()));
                    }
                });
            }
        });
    }

    @AfterEach
    void stopServer() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void blockingClientLearnsItsOwnAddress() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            socket.setSoTimeout(1234);
            InetSocketAddress reflexive = StunClient.reflexiveAddress(socket, serverAddress());
            assertThat(reflexive).isEqualTo(socket.getLocalSocketAddress());
            assertThat(socket.getSoTimeout()).as("timeout restored").isEqualTo(1234);
        }
        assertThat(stun.answered()).isEqualTo(1);
    }

    @Test
    void pilotDatagramsOnTheSameSocketReachTheNextHandler() throws Exception {
        byte[] pilot = new byte[64];
        pilot[0] = 4;
        pilot[1] = 1;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            socket.send(new java.net.DatagramPacket(pilot, pilot.length, serverAddress()));
            assertThat(StunClient.reflexiveAddress(socket, serverAddress())).isEqualTo(socket.getLocalSocketAddress());
        }
        assertThat(passedOn.poll(5, TimeUnit.SECONDS)).isEqualTo(pilot);
        assertThat(passedOn).isEmpty();
    }

    @Test
    void blockingClientGivesUpWhenNobodyAnswers() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            // RTO 10 ms: waits of 10, 20, 40, 80, 160, 320 and 160 ms.
            assertThatThrownBy(() -> StunClient.reflexiveAddress(socket,
                    (InetSocketAddress) silent.getLocalSocketAddress(), Duration.ofMillis(10)))
                    .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("after 7 transmissions");
            // The silent server saw exactly the seven transmissions the schedule allows, then nothing more.
            silent.setSoTimeout(200);
            int received = 0;
            try {
                while (true) {
                    silent.receive(new java.net.DatagramPacket(new byte[1500], 1500));
                    received++;
                }
            } catch (SocketTimeoutException drained) {
                assertThat(received).isEqualTo(7);
            }
        }
    }

    /** The Netty-friendly form: a client channel whose handler feeds datagrams to the transaction. */
    @Test
    void transactionOverANettyChannel() throws Exception {
        StunClientTransaction transaction = StunClientTransaction.start();
        CompletableFuture<InetSocketAddress> reflexive = new CompletableFuture<>();
        Channel client = bind(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                transaction.accept(packet).ifPresent(reflexive::complete);
            }
        });
        try {
            client.eventLoop().execute(() -> {
                client.writeAndFlush(new DatagramPacket(transaction.request(client.alloc()), serverAddress()));
                transaction.transmitted();
            });
            assertThat(reflexive.get(5, TimeUnit.SECONDS)).isEqualTo(client.localAddress());
        } finally {
            client.close().syncUninterruptibly();
        }
    }

    /**
     * Debian's {@code stun} (package stun-client, Vovida stund 0.97) is an RFC 3489 client: no magic
     * cookie, a CHANGE-REQUEST in every request, MAPPED-ADDRESS only. Its first test asks for no
     * change; with {@code -v} it prints the MAPPED-ADDRESS of the answer. {@code -p} sets its source
     * port (it also uses the next port), the server is given as {@code host:port}.
     */
    @Test
    void debianStunClientSeesItsOwnAddress() throws Exception {
        Optional<File> binary = onPath("stun");
        Assumptions.assumeTrue(binary.isPresent(),
                "the `stun` binary is not installed: apt-get install stun-client (Debian/Ubuntu) to run this interop test");
        int clientPort = twoFreePorts();
        Process process = new ProcessBuilder(binary.get().getPath(), LOOPBACK.getHostAddress() + ":" + serverAddress().getPort(),
                "-v", "-p", Integer.toString(clientPort)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(exited).as("stun exited; output:%n%s", output).isTrue();
        assertThat(output).contains("MappedAddress = 127.0.0.1:" + clientPort);
        assertThat(stun.answered()).isPositive();
        assertThat(stun.malformed()).isZero();
    }

    private Channel bind(ChannelHandler handler) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        }
        return new Bootstrap().group(group).channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .handler(handler).bind(LOOPBACK, 0).sync().channel();
    }

    private InetSocketAddress serverAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    private static Optional<File> onPath(String name) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(directory, name);
            if (candidate.isFile() && candidate.canExecute()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A port p such that p and p + 1 are both free on all interfaces (stun binds both). */
    private static int twoFreePorts() throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket first = new DatagramSocket(0)) {
                int port = first.getLocalPort();
                if (port < 65535) {
                    try (DatagramSocket second = new DatagramSocket(port + 1)) {
                        return port;
                    } catch (SocketException taken) {
                        // try another pair
                    }
                }
            }
        }
        throw new IllegalStateException("no two consecutive free UDP ports");
    }
}
