package io.pilot.engine.net;

import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.InboundPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.wire.CookieReply;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.ForwardPacket;
import io.pilot.engine.wire.HandshakeFinal;
import io.pilot.engine.wire.HandshakeInit;
import io.pilot.engine.wire.HandshakeResponse;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The datagram decoder through an EmbeddedChannel, with Netty's paranoid leak detection (set for the suite). */
class DatagramDecoderTests {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 4000);
    private static final InetSocketAddress SELF = new InetSocketAddress("127.0.0.1", 5000);

    private final DropCounters drops = new DropCounters();
    private final EmbeddedChannel channel = new EmbeddedChannel(new DatagramDecoder(drops));

    @AfterEach
    void finish() {
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decodesEveryPacketType() {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        byte[] cookie = new byte[16];
        cookie[3] = 9;
        assertThat(roundTrip(new HandshakeInit(7, new byte[32], cookie).encode(alloc)))
                .isInstanceOfSatisfying(HandshakeInit.class, p -> {
                    assertThat(p.senderIndex()).isEqualTo(7);
                    assertThat(p.hasCookie()).isTrue();
                });
        assertThat(roundTrip(new HandshakeResponse(1, 2, new byte[HandshakeResponse.MIN_NOISE_LENGTH + 10]).encode(alloc)))
                .isInstanceOfSatisfying(HandshakeResponse.class, p -> {
                    assertThat(p.senderIndex()).isEqualTo(1);
                    assertThat(p.receiverIndex()).isEqualTo(2);
                    assertThat(p.noiseMessage()).hasSize(HandshakeResponse.MIN_NOISE_LENGTH + 10);
                });
        assertThat(roundTrip(new HandshakeFinal(3, new byte[HandshakeFinal.MIN_NOISE_LENGTH]).encode(alloc)))
                .isInstanceOfSatisfying(HandshakeFinal.class, p -> assertThat(p.receiverIndex()).isEqualTo(3));
        assertThat(roundTrip(new CookieReply(4, cookie).encode(alloc)))
                .isInstanceOfSatisfying(CookieReply.class, p -> assertThat(p.cookie()).isEqualTo(cookie));
        Object data = roundTrip(dataPacket(0xABCD, 42, 100));
        assertThat(data).isInstanceOfSatisfying(DataPacket.class, p -> {
            assertThat(p.receiverIndex()).isEqualTo(0xABCD);
            assertThat(p.counter()).isEqualTo(42);
            assertThat(p.datagram().readableBytes()).isEqualTo(WireFormat.DATA_HEADER_LENGTH + 100 + WireFormat.TAG_LENGTH);
            assertThat(p.release()).isTrue();
        });
        assertThat(drops.snapshot()).isEmpty();
    }

    @Test
    void everyTruncationOfEveryTypeIsDroppedAndCounted() {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        ByteBuf[] valid = {new HandshakeInit(7, new byte[32], new byte[16]).encode(alloc),
                new HandshakeResponse(1, 2, new byte[HandshakeResponse.MIN_NOISE_LENGTH]).encode(alloc),
                new HandshakeFinal(3, new byte[HandshakeFinal.MIN_NOISE_LENGTH]).encode(alloc),
                new CookieReply(4, new byte[16]).encode(alloc), dataPacket(1, 1, 0)};
        int truncations = 0;
        for (ByteBuf packet : valid) {
            for (int length = 0; length < packet.readableBytes(); length++) {
                channel.writeInbound(datagram(packet.retainedSlice(0, length)));
                truncations++;
            }
            packet.release();
        }
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(drops.get(DropReason.TRUNCATED)).isEqualTo(truncations);
    }

    @Test
    void aForwardBetweenBackbonesHasItsOwnSizeLimits() {
        channel.writeInbound(datagram(Unpooled.buffer().writeByte(WireFormat.TYPE_FORWARD).writeByte(WireFormat.VERSION)
                .writeShort(0).writeZero(WireFormat.MAX_FORWARD_DATAGRAM - 3))); // one byte over 1268
        channel.writeInbound(datagram(Unpooled.buffer().writeByte(WireFormat.TYPE_FORWARD).writeByte(WireFormat.VERSION)
                .writeShort(0).writeZero(WireFormat.FORWARD_HEADER_LENGTH - 1))); // a header and no datagram
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(drops.get(DropReason.OVERSIZED)).isOne();
        assertThat(drops.get(DropReason.TRUNCATED)).isOne();

        channel.writeInbound(datagram(Unpooled.buffer().writeByte(WireFormat.TYPE_FORWARD).writeByte(WireFormat.VERSION)
                .writeShort(0).writeZero(WireFormat.MAX_FORWARD_DATAGRAM - 4))); // the largest there is
        InboundPacket largest = channel.readInbound();
        assertThat(largest.packet()).isInstanceOfSatisfying(ForwardPacket.class,
                forward -> assertThat(forward.inner().readableBytes()).isEqualTo(WireFormat.MAX_DATAGRAM));
        ((ForwardPacket) largest.packet()).release();
    }

    @Test
    void dataAboveTheBaseSizeIsAcceptedUpToTheLargestAndOtherTypesAreNot() {
        channel.writeInbound(datagram(Unpooled.buffer().writeByte(WireFormat.TYPE_DATA).writeByte(WireFormat.VERSION)
                .writeShort(0).writeZero(WireFormat.MAX_LARGE_DATAGRAM - 4))); // a path MTU probe of the largest size
        InboundPacket large = channel.readInbound();
        assertThat(large.packet()).isInstanceOfSatisfying(DataPacket.class,
                data -> assertThat(data.datagram().readableBytes()).isEqualTo(WireFormat.MAX_LARGE_DATAGRAM));
        ((DataPacket) large.packet()).release();
        channel.writeInbound(datagram(Unpooled.buffer().writeByte(WireFormat.TYPE_RELAY).writeByte(WireFormat.VERSION)
                .writeShort(0).writeZero(WireFormat.MAX_RELAY_DATAGRAM - 3))); // only DATA grows through a relay
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(drops.get(DropReason.OVERSIZED)).isEqualTo(1);
    }

    @Test
    void relayDatagramsWrappingDataAreAcceptedUpToTheLargestDatagramRelayHeaderIncluded() {
        for (int type : new int[] {WireFormat.TYPE_RELAY, WireFormat.TYPE_RELAYED}) {
            channel.writeInbound(datagram(relayWrappingData(type, WireFormat.MAX_LARGE_RELAY_DATAGRAM)));
            InboundPacket large = channel.readInbound();
            assertThat(large.packet()).isInstanceOfSatisfying(RelayPacket.class, relay -> assertThat(
                    relay.inner().readableBytes()).isEqualTo(WireFormat.MAX_LARGE_DATAGRAM - WireFormat.RELAY_HEADER_LENGTH));
            ((RelayPacket) large.packet()).release();
            channel.writeInbound(datagram(relayWrappingData(type, WireFormat.MAX_LARGE_RELAY_DATAGRAM + 1)));
            assertThat((Object) channel.readInbound()).isNull();
        }
        assertThat(drops.get(DropReason.OVERSIZED)).isEqualTo(2);
    }

    /** A relay datagram of {@code type}, {@code length} bytes in all, wrapping a DATA datagram. */
    private static ByteBuf relayWrappingData(int type, int length) {
        return Unpooled.buffer().writeByte(type).writeByte(WireFormat.VERSION).writeShort(0).writeZero(8)
                .writeByte(WireFormat.TYPE_DATA).writeByte(WireFormat.VERSION).writeShort(0)
                .writeZero(length - WireFormat.RELAY_HEADER_LENGTH - 4);
    }

    @Test
    void oversizedWrongVersionUnknownTypeAndReservedBitsAreDropped() {
        channel.writeInbound(datagram(Unpooled.buffer().writeByte(WireFormat.TYPE_DATA).writeByte(1).writeShort(0)
                .writeZero(WireFormat.MAX_LARGE_DATAGRAM))); // over the largest DATA a node accepts
        ByteBuf init = new HandshakeInit(7, new byte[32], new byte[16]).encode(ByteBufAllocator.DEFAULT);
        channel.writeInbound(datagram(init.copy().writeByte(0))); // an init one byte too long
        channel.writeInbound(datagram(init.copy().setByte(1, 1))); // version 1, a node of the previous version
        channel.writeInbound(datagram(init.copy().setByte(0, 0x7F))); // unknown type
        channel.writeInbound(datagram(init.copy().setByte(0, 0))); // type 0
        channel.writeInbound(datagram(init.setByte(3, 1))); // reserved bits
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(drops.get(DropReason.OVERSIZED)).isEqualTo(2);
        assertThat(drops.get(DropReason.WRONG_VERSION)).isEqualTo(1);
        assertThat(drops.get(DropReason.UNKNOWN_TYPE)).isEqualTo(2);
        assertThat(drops.get(DropReason.NONZERO_RESERVED)).isEqualTo(1);
    }

    @Test
    void randomGarbageNeverEscapesAsAnExceptionAndLeaksNothing() {
        Random random = new Random(1);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(1400)];
            random.nextBytes(bytes);
            channel.writeInbound(datagram(Unpooled.wrappedBuffer(bytes)));
            Object decoded;
            while ((decoded = channel.readInbound()) != null) {
                accepted++;
                if (((InboundPacket) decoded).packet() instanceof DataPacket data) {
                    data.release();
                }
            }
        }
        long dropped = drops.snapshot().values().stream().mapToLong(Long::longValue).sum();
        assertThat(dropped + accepted).isEqualTo(20_000);
        assertThat(dropped).isGreaterThan(19_000);
    }

    private Object roundTrip(ByteBuf packet) {
        channel.writeInbound(datagram(packet));
        InboundPacket inbound = channel.readInbound();
        assertThat(inbound).isNotNull();
        assertThat(inbound.sender()).isEqualTo(PEER);
        return inbound.packet();
    }

    private static DatagramPacket datagram(ByteBuf content) {
        return new DatagramPacket(content, SELF, PEER);
    }

    private static ByteBuf dataPacket(int receiver, long counter, int ciphertext) {
        return Unpooled.buffer().writeByte(WireFormat.TYPE_DATA).writeByte(WireFormat.VERSION).writeShort(0)
                .writeInt(receiver).writeLong(counter).writeZero(ciphertext + WireFormat.TAG_LENGTH);
    }
}
