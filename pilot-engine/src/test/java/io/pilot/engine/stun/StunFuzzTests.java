package io.pilot.engine.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile input: random bytes and mutations of valid messages must only ever produce a
 * {@link StunMessage.Decoded}; whatever decodes must be readable through every typed view and, if it
 * is a request, answerable. {@link #datagram} is the coverage-guided target of the same contract (Jazzer;
 * {@code bin/fuzz}), with its seeds in {@code StunFuzzTestsInputs/datagram/}; the tests before it are the
 * seeded random runs that predate it and stay as a cheap first line.
 */
class StunFuzzTests {

    private static final InetSocketAddress SENDER = new InetSocketAddress("198.51.100.9", 4242);

    private final Random random = new Random(8489);

    @Test
    void randomBytesNeverThrow() {
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            accepted += exercise(bytes);
        }
        assertThat(accepted).isLessThan(10);
    }

    /** Random bytes behind a plausible header: the attribute walk is what gets exercised. */
    @Test
    void randomBodiesBehindAValidHeaderNeverThrow() {
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[4 * random.nextInt(40)];
            random.nextBytes(body);
            ByteBuf message = Unpooled.buffer().writeShort(random.nextInt(0x4000)).writeShort(body.length)
                    .writeInt(StunMessage.MAGIC_COOKIE).writeZero(12).writeBytes(body);
            accepted += exercise(ByteBufUtil.getBytes(message));
        }
        assertThat(accepted).isGreaterThan(0);
    }

    @Test
    void mutatedValidMessagesNeverThrow() {
        List<byte[]> seeds = List.of(
                encode(StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]).fingerprint().build()),
                encode(StunMessage.builder(StunMessage.BINDING_SUCCESS, new byte[12])
                        .xorMappedAddress(SENDER).mappedAddress(SENDER).software("pilot").fingerprint().build()),
                encode(StunMessage.builder(StunMessage.BINDING_SUCCESS, new byte[12])
                        .xorMappedAddress(new InetSocketAddress("2001:db8::7", 9)).build()),
                encode(StunMessage.builder(StunMessage.BINDING_ERROR, new byte[12])
                        .errorCode(new StunErrorCode(420, "Unknown Attribute"))
                        .unknownAttributes(List.of(6, 8, 0x24)).build()),
                encode(StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12])
                        .attribute(StunAttribute.CHANGE_REQUEST, new byte[4]).attribute(0x0006, new byte[5]).build()));
        int accepted = 0;
        for (int i = 0; i < 40_000; i++) {
            byte[] bytes = mutate(seeds.get(random.nextInt(seeds.size())));
            if (random.nextBoolean() && bytes.length >= StunMessage.HEADER_LENGTH) {
                // Keep the length field consistent so the mutation reaches the attributes.
                int length = bytes.length - StunMessage.HEADER_LENGTH;
                bytes[2] = (byte) (length >>> 8);
                bytes[3] = (byte) length;
            }
            accepted += exercise(bytes);
        }
        assertThat(accepted).isGreaterThan(1000);
    }

    /** Any datagram anyone may send to a node's UDP port, which STUN shares with Pilot. */
    @FuzzTest
    @Timeout(10)
    void datagram(byte[] bytes) {
        exercise(bytes);
    }

    private byte[] mutate(byte[] seed) {
        byte[] bytes = seed.clone();
        switch (random.nextInt(4)) {
            case 0 -> bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 8));
            default -> {
                // Overwrite an attribute-length-sized field anywhere with an extreme value.
                int at = random.nextInt(bytes.length - 1);
                int value = random.nextBoolean() ? 0xFFFF : random.nextInt(64);
                bytes[at] = (byte) (value >>> 8);
                bytes[at + 1] = (byte) value;
            }
        }
        return bytes;
    }

    /** Decodes both ways, reads every view, answers requests; returns 1 if something decoded. */
    private static int exercise(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        StunMessage.Decoded modern = StunMessage.decode(in);
        StunMessage.Decoded classic = StunMessage.decodeClassicBindingRequest(in);
        assertThat(in.readerIndex()).isZero();
        int accepted = 0;
        for (StunMessage.Decoded decoded : List.of(modern, classic)) {
            assertThat(decoded.ok()).isNotEqualTo(decoded.error() != null);
            if (decoded.ok()) {
                accepted = 1;
                readEverything(decoded.message());
            }
        }
        return accepted;
    }

    private static void readEverything(StunMessage message) {
        message.xorMappedAddress();
        message.mappedAddress();
        message.software();
        message.errorCode();
        message.unknownAttributes();
        message.changeRequest();
        message.toString();
        if (message.type() == StunMessage.BINDING_REQUEST) {
            byte[] answer = encode(StunResponder.answer(message, SENDER));
            assertThat(StunMessage.decode(Unpooled.wrappedBuffer(answer)).ok() || !message.hasMagicCookie()).isTrue();
        }
    }

    private static byte[] encode(StunMessage message) {
        ByteBuf encoded = message.encode(UnpooledByteBufAllocator.DEFAULT);
        try {
            return ByteBufUtil.getBytes(encoded);
        } finally {
            encoded.release();
        }
    }
}
