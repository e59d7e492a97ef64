package io.pilot.engine.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.session.AccessPolicy;
import io.pilot.engine.session.SessionEngine;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.stun.StunClientHandler;
import io.pilot.engine.stun.StunServerHandler;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node's pipeline on an EmbeddedChannel: {@link NodeChannelInitializer}'s stages, then
 * {@link SessionInboundHandler} in front of a real {@link SessionEngine}.
 */
class SessionPipelineTests {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 4000);
    private static final InetSocketAddress SELF = new InetSocketAddress("127.0.0.1", 5000);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DropCounters drops = new DropCounters();
    private EmbeddedChannel channel;

    @AfterEach
    void finish() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void withoutImpairmentOrStunServerThePipelineIsBearersStunClientThenDecoder() {
        channel = new EmbeddedChannel(new NodeChannelInitializer(Impairment.NONE, new StunClientHandler(), null, drops));
        // receive-slots sizes the socket's reads (ReceiveSlots): it stands for the kernel, before any stage.
        assertThat(stages()).containsExactly("receive-slots", "bearers", "stun-client", "decoder");
    }

    @Test
    void theImpairmentComesFirstThenTheBearersAndTheStunServerBeforeTheDecoder() {
        Impairment lossy = new Impairment(0.1, 0, 0, Duration.ZERO, Duration.ZERO, 1);
        channel = new EmbeddedChannel(new NodeChannelInitializer(lossy, new StunClientHandler(), new StunServerHandler(),
                drops));
        // The impairment models the UDP link: datagrams over a WebSocket join after it, at the bearers.
        assertThat(stages()).containsExactly("receive-slots", "impairment", "bearers", "stun-client", "stun", "decoder");
    }

    @Test
    void aDecodedPacketReachesTheSessionEngine() {
        SessionEngine engine = pipelineWithEngine();
        channel.writeInbound(datagram(dataPacket(0x1234)));
        // Only the engine knows no session has index 0x1234: the packet got through the decoder to it.
        assertThat(drops.get(DropReason.UNKNOWN_SESSION)).isEqualTo(1);
        assertThat(drops.snapshot()).containsOnlyKeys(DropReason.UNKNOWN_SESSION);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(engine.peers()).isEmpty();
    }

    @Test
    void aDatagramTheDecoderRefusesIsCountedAndNeverReachesTheEngine() {
        pipelineWithEngine();
        channel.writeInbound(datagram(Unpooled.wrappedBuffer(new byte[] {WireFormat.TYPE_DATA, WireFormat.VERSION})));
        assertThat(drops.snapshot()).containsOnlyKeys(DropReason.TRUNCATED);
        assertThat(drops.get(DropReason.TRUNCATED)).isEqualTo(1);
    }

    @Test
    void anErrorOnTheChannelLeavesItOpen() {
        pipelineWithEngine();
        channel.pipeline().fireExceptionCaught(new IllegalStateException("a handler failed"));
        channel.checkException(); // the session stage handled it: nothing reached the tail
        assertThat(channel.isOpen()).isTrue();
        channel.writeInbound(datagram(dataPacket(7)));
        assertThat(drops.get(DropReason.UNKNOWN_SESSION)).isEqualTo(1);
    }

    private SessionEngine pipelineWithEngine() {
        channel = new EmbeddedChannel(new NodeChannelInitializer(Impairment.NONE, new StunClientHandler(), null, drops));
        SessionEngine engine = new SessionEngine(channel, Identity.generate(RANDOM), 0, SessionSettings.DEFAULTS,
                TransportConfig.defaults(), AccessPolicy.REALM_MEMBERS, new NoSessionEvents(), drops, RANDOM, false);
        channel.pipeline().addLast("sessions", new SessionInboundHandler(engine));
        return engine;
    }

    private List<String> stages() {
        return channel.pipeline().names().stream().filter(name -> !name.contains("TailContext")).toList();
    }

    private static DatagramPacket datagram(ByteBuf content) {
        return new DatagramPacket(content, SELF, PEER);
    }

    private static ByteBuf dataPacket(int receiver) {
        return Unpooled.buffer().writeByte(WireFormat.TYPE_DATA).writeByte(WireFormat.VERSION).writeShort(0)
                .writeInt(receiver).writeLong(1).writeZero(16 + WireFormat.TAG_LENGTH);
    }
}
