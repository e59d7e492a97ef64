package io.pilot.engine.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handler through an EmbeddedChannel. Besides Netty's paranoid leak detector (set for the suite),
 * every test checks reference counts directly: consumed datagrams end at 0, passed-on ones at 1.
 */
class StunServerHandlerTests {

    private static final InetSocketAddress SELF = new InetSocketAddress("127.0.0.1", 3478);
    private static final InetSocketAddress PEER_V4 = new InetSocketAddress("203.0.113.7", 50000);
    private static final InetSocketAddress PEER_V6 = new InetSocketAddress("2001:db8::7", 40000);
    private static final byte[] ID = HexFormat.of().parseHex("00112233445566778899aabb");

    private final StunServerHandler handler = new StunServerHandler();
    private final EmbeddedChannel channel = new EmbeddedChannel(handler);

    @AfterEach
    void finish() {
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void bindingRequestIsAnsweredWithTheSendersAddress() {
        for (InetSocketAddress peer : List.of(PEER_V4, PEER_V6)) {
            DatagramPacket request = datagram(StunMessage.builder(StunMessage.BINDING_REQUEST, ID).fingerprint().build(), peer);
            channel.writeInbound(request);
            assertThat(request.refCnt()).isZero();

            StunMessage answer = readAnswer(peer);
            assertThat(answer.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
            assertThat(answer.transactionId()).isEqualTo(ID);
            assertThat(answer.xorMappedAddress()).contains(peer);
            assertThat(answer.mappedAddress()).contains(peer);
            assertThat(answer.software()).contains("pilot");
            assertThat(answer.fingerprinted()).isTrue();
        }
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(handler.answered()).isEqualTo(2);
    }

    @Test
    void aFloodFromOneSourceIsThrottledSoTheNodeIsNoAmplifier() {
        for (int i = 0; i < 500; i++) {
            channel.writeInbound(datagram(StunMessage.builder(StunMessage.BINDING_REQUEST, ID).build(), PEER_V4));
        }
        int answers = 0;
        Object out;
        while ((out = channel.readOutbound()) != null) {
            ((DatagramPacket) out).release();
            answers++;
        }
        // The burst allowance is twice the per-second rate; a little more may refill while the loop runs.
        assertThat(answers).isEqualTo((int) handler.answered()).isLessThan(100);
        assertThat(handler.throttled()).isEqualTo(500 - handler.answered());
        // Another source is unaffected.
        channel.writeInbound(datagram(StunMessage.builder(StunMessage.BINDING_REQUEST, ID).build(), PEER_V6));
        assertThat(readAnswer(PEER_V6).xorMappedAddress()).contains(PEER_V6);
    }

    @Test
    void aFloodFromManySourcesIsBoundedForThemAllTogether() {
        StunServerHandler bounded = new StunServerHandler(50);
        EmbeddedChannel node = new EmbeddedChannel(bounded);
        for (int i = 0; i < 1_000; i++) {
            InetSocketAddress spoofed = new InetSocketAddress("198.51." + (i / 250) + "." + (i % 250 + 1), 40000);
            node.writeInbound(datagram(StunMessage.builder(StunMessage.BINDING_REQUEST, ID).build(), spoofed));
        }
        int answers = 0;
        for (Object out; (out = node.readOutbound()) != null; answers++) {
            ((DatagramPacket) out).release();
        }
        // Each source is within its own allowance; all of them together get the node's burst, twice its rate (and what
        // refills while the loop runs: a few, or more on a machine that stalls the test).
        assertThat(answers).isEqualTo((int) bounded.answered()).isGreaterThanOrEqualTo(100).isLessThan(500);
        assertThat(bounded.throttled()).isEqualTo(1_000 - bounded.answered());
        assertThat(node.finish()).isFalse();
    }

    @Test
    void answersAreFlushedOncePerReadBatch() {
        channel.pipeline().fireChannelRead(datagram(StunMessage.builder(StunMessage.BINDING_REQUEST, ID).build(), PEER_V4));
        channel.pipeline().fireChannelRead(datagram(StunMessage.builder(StunMessage.BINDING_REQUEST, ID).build(), PEER_V6));
        assertThat((Object) channel.readOutbound()).isNull();
        channel.pipeline().fireChannelReadComplete();
        assertThat(readAnswer(PEER_V4).xorMappedAddress()).contains(PEER_V4);
        assertThat(readAnswer(PEER_V6).xorMappedAddress()).contains(PEER_V6);
    }

    @Test
    void pilotAndOtherDatagramsPassThroughUntouched() {
        ByteBuf pilot = Unpooled.buffer().writeByte(WireFormat.TYPE_DATA).writeByte(WireFormat.VERSION).writeShort(0)
                .writeInt(StunMessage.MAGIC_COOKIE).writeZero(40);
        byte[] before = ByteBufUtil.getBytes(pilot);
        DatagramPacket datagram = new DatagramPacket(pilot, SELF, PEER_V4);
        Object notADatagram = "not a datagram";
        channel.writeInbound(datagram, notADatagram);

        DatagramPacket passed = channel.readInbound();
        assertThat(passed).isSameAs(datagram);
        assertThat(passed.refCnt()).isEqualTo(1);
        assertThat(ByteBufUtil.getBytes(passed.content())).isEqualTo(before);
        assertThat(passed.content().readerIndex()).isZero();
        passed.release();
        assertThat((Object) channel.readInbound()).isSameAs(notADatagram);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(handler.answered() + handler.malformed() + handler.ignored()).isZero();
    }

    @Test
    void malformedStunIsDroppedAndCounted() {
        ByteBuf badFingerprint = encode(StunMessage.builder(StunMessage.BINDING_REQUEST, ID).fingerprint().build());
        badFingerprint.setByte(badFingerprint.writerIndex() - 1, badFingerprint.getByte(badFingerprint.writerIndex() - 1) ^ 1);
        ByteBuf attributeOverrun = Unpooled.buffer().writeShort(StunMessage.BINDING_REQUEST).writeShort(8)
                .writeInt(StunMessage.MAGIC_COOKIE).writeBytes(ID).writeShort(StunAttribute.SOFTWARE).writeShort(200).writeInt(0);
        ByteBuf classicBadAttribute = Unpooled.buffer().writeShort(StunMessage.BINDING_REQUEST).writeShort(8)
                .writeInt(7).writeBytes(ID).writeShort(StunAttribute.CHANGE_REQUEST).writeShort(2).writeInt(0);
        List<DatagramPacket> packets = List.of(new DatagramPacket(badFingerprint, SELF, PEER_V4),
                new DatagramPacket(attributeOverrun, SELF, PEER_V4), new DatagramPacket(classicBadAttribute, SELF, PEER_V4));
        packets.forEach(channel::writeInbound);

        assertThat(packets).allSatisfy(p -> assertThat(p.refCnt()).isZero());
        assertThat(handler.malformed()).isEqualTo(3);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void unknownComprehensionRequiredAttributesEarnA420() {
        StunMessage request = StunMessage.builder(StunMessage.BINDING_REQUEST, ID)
                .attribute(0x0006, "user".getBytes()) // USERNAME: no credentials here
                .attribute(0x8029, new byte[8])       // ICE-CONTROLLED: optional, ignored
                .attribute(0x7ABC, new byte[3])
                .attribute(0x0006, "again".getBytes())
                .fingerprint().build();
        channel.writeInbound(datagram(request, PEER_V4));

        StunMessage answer = readAnswer(PEER_V4);
        assertThat(answer.type()).isEqualTo(StunMessage.BINDING_ERROR);
        assertThat(answer.transactionId()).isEqualTo(ID);
        assertThat(answer.errorCode()).contains(new StunErrorCode(420, "Unknown Attribute"));
        assertThat(answer.unknownAttributes()).containsExactly(0x0006, 0x7ABC);
        assertThat(answer.xorMappedAddress()).isEmpty();
        assertThat(answer.fingerprinted()).isTrue();
    }

    @Test
    void changeRequestIsHonouredOnlyWhenItAsksForNoChange() {
        channel.writeInbound(datagram(StunMessage.builder(StunMessage.BINDING_REQUEST, ID)
                .attribute(StunAttribute.CHANGE_REQUEST, new byte[4]).build(), PEER_V4));
        assertThat(readAnswer(PEER_V4).type()).isEqualTo(StunMessage.BINDING_SUCCESS);

        channel.writeInbound(datagram(StunMessage.builder(StunMessage.BINDING_REQUEST, ID)
                .attribute(StunAttribute.CHANGE_REQUEST, new byte[] {0, 0, 0, 6}).build(), PEER_V4));
        StunMessage refused = readAnswer(PEER_V4);
        assertThat(refused.errorCode()).map(StunErrorCode::code).contains(420);
        assertThat(refused.unknownAttributes()).containsExactly(StunAttribute.CHANGE_REQUEST);
    }

    /** Exactly what Debian's stun 0.97 client sends first: 16 random id bytes, CHANGE-REQUEST 0. */
    @Test
    void rfc3489ClientGetsMappedAddressAndItsCookieFieldBack() {
        byte[] classic = HexFormat.of().parseHex("000100080153b1f3be3aea0d4b66eb229fe000320003000400000000");
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(classic), SELF, PEER_V4));

        DatagramPacket out = channel.readOutbound();
        try {
            assertThat(out.recipient()).isEqualTo(PEER_V4);
            ByteBuf content = out.content();
            assertThat(ByteBufUtil.hexDump(content, 4, 16)).isEqualTo("0153b1f3be3aea0d4b66eb229fe00032");
            // The codec reads cookie-less messages only as Binding requests: relabel a copy to read the answer.
            StunMessage answer = StunMessage.decodeClassicBindingRequest(
                    Unpooled.copiedBuffer(content).setShort(0, StunMessage.BINDING_REQUEST)).message();
            assertThat(answer.attributes()).extracting(StunAttribute::type).containsExactly(StunAttribute.MAPPED_ADDRESS);
            assertThat(answer.mappedAddress()).contains(PEER_V4);
            assertThat(answer.fingerprinted()).isFalse();
            assertThat(content.getUnsignedShort(0)).isEqualTo(StunMessage.BINDING_SUCCESS);
        } finally {
            out.release();
        }
    }

    @Test
    void stunThatIsNotABindingRequestIsIgnored() {
        List<DatagramPacket> packets = List.of(
                datagram(StunMessage.builder(StunMessage.BINDING_SUCCESS, ID).xorMappedAddress(PEER_V4).build(), PEER_V4),
                datagram(StunMessage.builder(0x0011, ID).build(), PEER_V4),  // Binding indication
                datagram(StunMessage.builder(0x0003, ID).build(), PEER_V4),  // TURN Allocate request
                new DatagramPacket(encode(StunMessage.builder(StunMessage.BINDING_REQUEST, ID).build()), SELF));
        packets.forEach(channel::writeInbound);
        assertThat(packets).allSatisfy(p -> assertThat(p.refCnt()).isZero());
        assertThat(handler.ignored()).isEqualTo(4);
        assertThat((Object) channel.readOutbound()).isNull();
    }

    private StunMessage readAnswer(InetSocketAddress expectedRecipient) {
        DatagramPacket out = channel.readOutbound();
        assertThat(out).isNotNull();
        try {
            assertThat(out.recipient()).isEqualTo(expectedRecipient);
            StunMessage.Decoded decoded = StunMessage.decode(out.content());
            assertThat(decoded.error()).isNull();
            return decoded.message();
        } finally {
            assertThat(out.release()).isTrue();
        }
    }

    private static DatagramPacket datagram(StunMessage message, InetSocketAddress sender) {
        return new DatagramPacket(encode(message), SELF, sender);
    }

    private static ByteBuf encode(StunMessage message) {
        return message.encode(ByteBufAllocator.DEFAULT);
    }
}
