package io.pilot.engine.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.SegmentedDatagramPacket;

import io.pilot.engine.identity.Identity;
import io.pilot.engine.session.AccessPolicy;
import io.pilot.engine.session.SessionEngine;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.stun.StunClientHandler;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.WireFormat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real UDP socket on loopback, registered and bound in the two steps a node uses. */
class UdpSocketTests {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DropCounters drops = new DropCounters();
    private UdpSocket socket;

    @AfterEach
    void stop() {
        if (socket != null) {
            socket.close();
            socket.shutdown();
        }
    }

    @Test
    void datagramsReachTheWholePipelineOnceBound() throws Exception {
        socket = UdpSocket.register(1 << 20, false, new NodeChannelInitializer(Impairment.NONE, new StunClientHandler(), null, drops));
        assertThat(socket.channel().isRegistered()).isTrue();
        assertThat(socket.channel().isActive()).isFalse();
        SessionEngine engine = new SessionEngine(socket.channel(), Identity.generate(RANDOM), 0, SessionSettings.DEFAULTS,
                TransportConfig.defaults(), AccessPolicy.REALM_MEMBERS, new NoSessionEvents(), drops, RANDOM,
                socket.supportsSegmentationOffload());

        socket.bind(new InetSocketAddress("127.0.0.1", 0), engine);

        InetSocketAddress bound = socket.localAddress();
        assertThat(bound.getPort()).isPositive();
        assertThat(socket.transportName()).isIn("epoll", "nio");
        try (DatagramSocket sender = new DatagramSocket()) {
            sender.send(new DatagramPacket(new byte[] {1}, 1, bound)); // one byte: too short for any packet type
        }
        await().until(() -> drops.get(DropReason.TRUNCATED) == 1);
    }

    /**
     * A run of DATA datagrams written as one GSO send, which the kernel may hand over as one coalesced read:
     * each must reach the decoder as the datagram it was (here: one UNKNOWN_SESSION drop each), never as one
     * oversized datagram or cut at the wrong places.
     */
    @ParameterizedTest(name = "receive coalescing {0}")
    @ValueSource(booleans = {true, false})
    void aSegmentedRunArrivesAsTheDatagramsItWasWrittenAs(boolean coalescing) throws Exception {
        assumeTrue(Epoll.isAvailable() && SegmentedDatagramPacket.isSupported(), "UDP GSO needs epoll on Linux");
        socket = UdpSocket.register(1 << 20, coalescing,
                new NodeChannelInitializer(Impairment.NONE, new StunClientHandler(), null, drops));
        assertThat(socket.receiveCoalescing()).as("the kernel has UDP_GRO since Linux 5.0").isEqualTo(coalescing);
        assertThat(socket.transportName()).isEqualTo(coalescing ? "epoll with GRO" : "epoll");
        SessionEngine engine = new SessionEngine(socket.channel(), Identity.generate(RANDOM), 0, SessionSettings.DEFAULTS,
                TransportConfig.defaults(), AccessPolicy.REALM_MEMBERS, new NoSessionEvents(), drops, RANDOM, false);
        socket.bind(new InetSocketAddress("127.0.0.1", 0), engine);

        int full = 10;
        int lastLength = 600;
        ByteBuf run = Unpooled.buffer();
        for (int i = 0; i <= full; i++) {
            int length = i < full ? WireFormat.MAX_DATAGRAM : lastLength;
            int start = run.writerIndex();
            run.writeByte(WireFormat.TYPE_DATA).writeByte(WireFormat.VERSION).writeShort(0).writeInt(RANDOM.nextInt())
                    .writeLong(i);
            run.writeZero(length - (run.writerIndex() - start));
        }
        EventLoopGroup senderLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel sender = new Bootstrap().group(senderLoop).channel(EpollDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            sender.writeAndFlush(new SegmentedDatagramPacket(run, WireFormat.MAX_DATAGRAM, socket.localAddress())).sync();
            await().until(() -> drops.get(DropReason.UNKNOWN_SESSION) == full + 1);
            assertThat(drops.get(DropReason.OVERSIZED)).isZero();
            assertThat(drops.get(DropReason.TRUNCATED)).isZero();
            sender.close().sync();
        } finally {
            senderLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void closeUnbindsAndShutdownStopsTheEventLoop() throws Exception {
        socket = UdpSocket.register(1 << 20, false, new NodeChannelInitializer(Impairment.NONE, new StunClientHandler(), null, drops));
        SessionEngine engine = new SessionEngine(socket.channel(), Identity.generate(RANDOM), 0, SessionSettings.DEFAULTS,
                TransportConfig.defaults(), AccessPolicy.REALM_MEMBERS, new NoSessionEvents(), drops, RANDOM, false);
        socket.bind(new InetSocketAddress("127.0.0.1", 0), engine);

        socket.close();
        assertThat(socket.channel().isOpen()).isFalse();
        socket.shutdown();
        assertThat(socket.loop().isShutdown()).isTrue();
        socket = null;
    }
}
