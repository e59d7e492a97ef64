package io.pilot.engine.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import io.pilot.engine.wire.WireCodec;
import io.pilot.engine.wire.WireFormat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** STUN and Pilot datagrams on one socket must never be confused, in either direction. */
class StunDemultiplexerTests {

    private final Random random = new Random(5389);

    /**
     * Pilot datagrams of every type and valid length (checked by Pilot's own decoder), with random
     * bodies; every other one has the STUN magic cookie planted at bytes 4..7, so only the length and
     * type tests stand between it and a false positive.
     */
    @Test
    void noPilotDatagramIsTakenForStun() {
        for (int i = 0; i < 100_000; i++) {
            ByteBuf pilot = randomPilotDatagram(i % 2 == 0);
            try {
                WireCodec.Result decoded = WireCodec.decode(pilot);
                assertThat(decoded.drop()).as("generated datagram is a valid Pilot datagram").isNull();
                ReferenceCountUtil.release(decoded.packet());
                assertThat(StunDemultiplexer.isStun(pilot)).isFalse();
                assertThat(StunDemultiplexer.isClassicBindingRequest(pilot)).isFalse();
            } finally {
                pilot.release();
            }
        }
    }

    @Test
    void everyValidStunMessageIsRecognised() {
        for (int i = 0; i < 20_000; i++) {
            StunMessage message = randomStunMessage();
            ByteBuf encoded = message.encode(ByteBufAllocator.DEFAULT);
            try {
                assertThat(StunDemultiplexer.isStun(encoded)).as("%s", message).isTrue();
                assertThat(StunDemultiplexer.isClassicBindingRequest(encoded)).isFalse();
                assertThat(StunMessage.decode(encoded).message()).isEqualTo(message);
            } finally {
                encoded.release();
            }
        }
    }

    @Test
    void classicBindingRequestsAreRecognisedSeparately() {
        ByteBuf classic = Unpooled.buffer().writeShort(StunMessage.BINDING_REQUEST).writeShort(8)
                .writeInt(0x01020304).writeZero(12).writeInt(0x00030004).writeInt(0);
        assertThat(StunDemultiplexer.isStun(classic)).isFalse();
        assertThat(StunDemultiplexer.isClassicBindingRequest(classic)).isTrue();
        assertThat(StunDemultiplexer.isClassicBindingRequest(classic.copy().setShort(0, StunMessage.BINDING_SUCCESS)))
                .isFalse();
        assertThat(StunDemultiplexer.isClassicBindingRequest(classic.copy().writeInt(0))).isFalse();
    }

    @Test
    void eachOfTheThreeTestsIsNeeded() {
        ByteBuf encoded = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]).build()
                .encode(ByteBufAllocator.DEFAULT);
        byte[] valid = ByteBufUtil.getBytes(encoded);
        encoded.release();
        assertThat(StunDemultiplexer.isStun(Unpooled.wrappedBuffer(valid))).isTrue();
        assertThat(StunDemultiplexer.isStun(Unpooled.wrappedBuffer(valid.clone()).setByte(0, 0x40))).isFalse();
        assertThat(StunDemultiplexer.isStun(Unpooled.wrappedBuffer(valid.clone()).setByte(4, 0x22))).isFalse();
        assertThat(StunDemultiplexer.isStun(Unpooled.wrappedBuffer(valid.clone()).setShort(2, 4))).isFalse();
        assertThat(StunDemultiplexer.isStun(Unpooled.wrappedBuffer(valid, 0, 19))).isFalse();
        // The reader index is where the datagram starts (recvmmsg hands out slices of one buffer).
        ByteBuf offset = Unpooled.buffer().writeZero(7).writeBytes(valid).skipBytes(7);
        assertThat(StunDemultiplexer.isStun(offset)).isTrue();
        assertThat(offset.readerIndex()).isEqualTo(7);
    }

    private ByteBuf randomPilotDatagram(boolean plantCookie) {
        int type = 1 + random.nextInt(5);
        int length = switch (type) {
            case WireFormat.TYPE_HANDSHAKE_INIT -> WireFormat.HANDSHAKE_INIT_LENGTH;
            case WireFormat.TYPE_COOKIE_REPLY -> WireFormat.HEADER_LENGTH + 4 + WireFormat.COOKIE_LENGTH;
            case WireFormat.TYPE_DATA -> between(WireFormat.DATA_HEADER_LENGTH + WireFormat.TAG_LENGTH, WireFormat.MAX_DATAGRAM);
            default -> between(200, WireFormat.MAX_DATAGRAM); // handshake response and final: Noise messages
        };
        byte[] body = new byte[length - WireFormat.HEADER_LENGTH];
        random.nextBytes(body);
        ByteBuf datagram = Unpooled.buffer(length).writeByte(type).writeByte(WireFormat.VERSION).writeShort(0)
                .writeBytes(body);
        if (plantCookie) {
            datagram.setInt(4, StunMessage.MAGIC_COOKIE);
        }
        return datagram;
    }

    private StunMessage randomStunMessage() {
        byte[] id = new byte[12];
        random.nextBytes(id);
        StunMessage.Builder builder = StunMessage.builder(random.nextInt(0x4000), id);
        for (int n = random.nextInt(6); n > 0; n--) {
            switch (random.nextInt(5)) {
                case 0 -> builder.xorMappedAddress(randomAddress());
                case 1 -> builder.mappedAddress(randomAddress());
                case 2 -> builder.software("x".repeat(random.nextInt(40)));
                case 3 -> builder.errorCode(new StunErrorCode(300 + random.nextInt(400), "r".repeat(random.nextInt(9))));
                default -> {
                    byte[] value = new byte[random.nextInt(30)];
                    random.nextBytes(value);
                    builder.attribute(0x8029 + random.nextInt(0xFFFF - 0x8029), value); // optional, above FINGERPRINT
                }
            }
        }
        if (random.nextBoolean()) {
            builder.fingerprint();
        }
        return builder.build();
    }

    private InetSocketAddress randomAddress() {
        byte[] ip = new byte[random.nextBoolean() ? 4 : 16];
        random.nextBytes(ip);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), random.nextInt(65536));
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }

    private int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }
}
