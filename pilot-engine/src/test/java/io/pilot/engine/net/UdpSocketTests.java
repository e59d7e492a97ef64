package io.pilot.engine.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.identity.Identity;
import io.pilot.engine.session.AccessPolicy;
import io.pilot.engine.session.SessionEngine;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.stun.StunClientHandler;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
        socket = UdpSocket.register(1 << 20, new NodeChannelInitializer(Impairment.NONE, new StunClientHandler(), null, drops));
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

    @Test
    void closeUnbindsAndShutdownStopsTheEventLoop() throws Exception {
        socket = UdpSocket.register(1 << 20, new NodeChannelInitializer(Impairment.NONE, new StunClientHandler(), null, drops));
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
