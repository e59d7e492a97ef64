package io.pilot.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketCipherTests {

    private static final byte[] KEY = Sha256.hash("test key".getBytes(StandardCharsets.UTF_8));
    private static final byte[] AAD = {1, 2, 3, 4};
    private static final byte[] PLAINTEXT = "the quick brown fox".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void roundTripWithHeapAndDirectBuffers(boolean direct) {
        PacketCipher sender = new PacketCipher(KEY);
        PacketCipher receiver = new PacketCipher(KEY);
        long counter = sender.nextCounter();
        ByteBuffer sealed = allocate(direct, 64);
        int written = sender.seal(counter, buffer(direct, AAD), buffer(direct, PLAINTEXT), sealed);
        assertThat(written).isEqualTo(PLAINTEXT.length + PacketCipher.TAG_SIZE);
        assertThat(sealed.position()).isEqualTo(written);
        sealed.flip();

        ByteBuffer opened = allocate(direct, 64);
        ByteBuffer aad = buffer(direct, AAD);
        assertThat(receiver.open(counter, aad, sealed, opened)).isEqualTo(PLAINTEXT.length);
        assertThat(aad.hasRemaining()).isFalse();
        assertThat(sealed.hasRemaining()).isFalse();
        assertThat(bytes(opened.flip())).isEqualTo(PLAINTEXT);
    }

    @Test
    void nonceIsFourZeroBytesThenBigEndianCounter() throws Exception {
        long counter = 0x0102030405060708L;
        ByteBuffer sealed = ByteBuffer.allocate(64);
        new PacketCipher(KEY).seal(counter, ByteBuffer.wrap(AAD), ByteBuffer.wrap(PLAINTEXT), sealed);

        Cipher reference = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] iv = HexFormat.of().parseHex("000000000102030405060708");
        reference.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, iv));
        reference.updateAAD(AAD);
        assertThat(bytes(sealed.flip())).isEqualTo(reference.doFinal(PLAINTEXT));
    }

    @Test
    void aKeyOnTheThreadsCipherSealsAndOpensAsOneWithItsOwn() {
        byte[] otherKey = Sha256.hash("another key".getBytes(StandardCharsets.UTF_8));
        PacketCipher own = new PacketCipher(KEY);
        PacketCipher borrowing = PacketCipher.onThreadCipher(KEY);
        PacketCipher other = PacketCipher.onThreadCipher(otherKey);
        for (long counter = 0; counter < 3; counter++) {
            ByteBuffer byOwn = ByteBuffer.allocate(64);
            own.seal(counter, ByteBuffer.wrap(AAD), ByteBuffer.wrap(PLAINTEXT), byOwn);
            ByteBuffer byBorrowing = ByteBuffer.allocate(64);
            borrowing.seal(counter, ByteBuffer.wrap(AAD), ByteBuffer.wrap(PLAINTEXT), byBorrowing);
            // another key on the same thread's Cipher in between must not leak into this one's next operation
            other.seal(counter, ByteBuffer.wrap(AAD), ByteBuffer.wrap(PLAINTEXT), ByteBuffer.allocate(64));
            assertThat(bytes(byBorrowing.flip())).isEqualTo(bytes(byOwn.flip()));

            ByteBuffer opened = ByteBuffer.allocate(64);
            assertThat(borrowing.open(counter, ByteBuffer.wrap(AAD), byOwn.rewind(), opened)).isEqualTo(PLAINTEXT.length);
            assertThat(bytes(opened.flip())).isEqualTo(PLAINTEXT);
            assertThat(other.open(counter, ByteBuffer.wrap(AAD), byOwn.rewind(), ByteBuffer.allocate(64))).isEqualTo(-1);
        }
    }

    @Test
    void twoKeysOnTheThreadsCipherWithEqualBytesEachSealTheirOwnCounters() {
        // Equal keys in two instances (equal DH outputs: replayed test vectors) seal alike, as two Ciphers would:
        // the JDK refuses to encrypt twice in a row under one key and nonce on one Cipher, not across instances.
        PacketCipher first = PacketCipher.onThreadCipher(KEY);
        PacketCipher second = PacketCipher.onThreadCipher(KEY);
        ByteBuffer a = ByteBuffer.allocate(64);
        first.seal(0, ByteBuffer.wrap(AAD), ByteBuffer.wrap(PLAINTEXT), a);
        ByteBuffer b = ByteBuffer.allocate(64);
        second.seal(0, ByteBuffer.wrap(AAD), ByteBuffer.wrap(PLAINTEXT), b);
        assertThat(bytes(b.flip())).isEqualTo(bytes(a.flip()));
    }

    @Test
    void sealsInPlaceAndWithoutAad() {
        PacketCipher sender = new PacketCipher(KEY);
        byte[] packet = new byte[PLAINTEXT.length + PacketCipher.TAG_SIZE];
        System.arraycopy(PLAINTEXT, 0, packet, 0, PLAINTEXT.length);
        ByteBuffer region = ByteBuffer.wrap(packet);
        long counter = sender.nextCounter();
        sender.seal(counter, null, region.duplicate().limit(PLAINTEXT.length), region.duplicate());

        ByteBuffer out = ByteBuffer.allocate(PLAINTEXT.length);
        assertThat(new PacketCipher(KEY).open(counter, null, ByteBuffer.wrap(packet), out)).isEqualTo(PLAINTEXT.length);
        assertThat(out.array()).isEqualTo(PLAINTEXT);
    }

    @Test
    void emptyPlaintextProducesBareTag() {
        PacketCipher cipher = new PacketCipher(KEY);
        ByteBuffer sealed = ByteBuffer.allocate(PacketCipher.TAG_SIZE);
        assertThat(cipher.seal(cipher.nextCounter(), null, ByteBuffer.allocate(0), sealed)).isEqualTo(PacketCipher.TAG_SIZE);
        assertThat(new PacketCipher(KEY).open(0, null, sealed.flip(), ByteBuffer.allocate(0))).isZero();
    }

    @Test
    void tamperedCiphertextTagCounterOrAadFailsAndLeavesNoPlaintext() {
        ByteBuffer sealed = sealAt(7);
        byte[] good = bytes(sealed);
        PacketCipher receiver = new PacketCipher(KEY);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x01;
            ByteBuffer out = ByteBuffer.allocate(64);
            out.put(new byte[] {9, 9});
            assertThat(receiver.open(7, ByteBuffer.wrap(AAD), ByteBuffer.wrap(bad), out)).isEqualTo(-1);
            assertThat(out.position()).isEqualTo(2);
            assertThat(out.array()).containsOnly(0, 9);
        }
        assertThat(receiver.open(8, ByteBuffer.wrap(AAD), ByteBuffer.wrap(good), ByteBuffer.allocate(64))).isEqualTo(-1);
        assertThat(receiver.open(7, ByteBuffer.wrap(new byte[] {1, 2, 3, 5}), ByteBuffer.wrap(good), ByteBuffer.allocate(64)))
                .isEqualTo(-1);
        assertThat(receiver.open(7, null, ByteBuffer.wrap(good), ByteBuffer.allocate(64))).isEqualTo(-1);
        assertThat(new PacketCipher(Sha256.hash(KEY)).open(7, ByteBuffer.wrap(AAD), ByteBuffer.wrap(good), ByteBuffer.allocate(64)))
                .isEqualTo(-1);
        // the cipher stays usable after failures
        assertThat(receiver.open(7, ByteBuffer.wrap(AAD), ByteBuffer.wrap(good), ByteBuffer.allocate(64))).isEqualTo(PLAINTEXT.length);
    }

    @Test
    void openRejectsShortInputAndOutOfRangeCounters() {
        PacketCipher receiver = new PacketCipher(KEY, 100);
        assertThat(receiver.open(0, null, ByteBuffer.allocate(PacketCipher.TAG_SIZE - 1), ByteBuffer.allocate(64))).isEqualTo(-1);
        assertThat(receiver.open(-1, null, sealAt(0), ByteBuffer.allocate(64))).isEqualTo(-1);
        assertThat(receiver.open(100, null, sealAt(0), ByteBuffer.allocate(64))).isEqualTo(-1);
    }

    @Test
    void openRejectsTooSmallOutputBuffer() {
        assertThatThrownBy(() -> new PacketCipher(KEY).open(7, ByteBuffer.wrap(AAD), sealAt(7), ByteBuffer.allocate(PLAINTEXT.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void counterIsStrictlyIncreasingAndExhausts() {
        PacketCipher cipher = new PacketCipher(KEY, 3);
        assertThat(cipher.nextCounter()).isEqualTo(0);
        assertThat(cipher.nextCounter()).isEqualTo(1);
        assertThat(cipher.nextCounter()).isEqualTo(2);
        assertThatThrownBy(cipher::nextCounter).isInstanceOf(IllegalStateException.class).hasMessageContaining("exhausted");
        assertThatThrownBy(cipher::nextCounter).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sealRejectsOutOfRangeCounterAndSmallOutput() {
        PacketCipher cipher = new PacketCipher(KEY, 3);
        assertThatThrownBy(() -> cipher.seal(3, null, ByteBuffer.wrap(PLAINTEXT), ByteBuffer.allocate(64)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cipher.seal(-1, null, ByteBuffer.wrap(PLAINTEXT), ByteBuffer.allocate(64)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cipher.seal(0, null, ByteBuffer.wrap(PLAINTEXT), ByteBuffer.allocate(PLAINTEXT.length)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsBadConstructorArguments() {
        assertThatThrownBy(() -> new PacketCipher(new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PacketCipher(KEY, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyPacketsReuseOneCipher() {
        PacketCipher sender = new PacketCipher(KEY);
        PacketCipher receiver = new PacketCipher(KEY);
        for (int i = 0; i < 1000; i++) {
            long counter = sender.nextCounter();
            ByteBuffer sealed = ByteBuffer.allocateDirect(64);
            sender.seal(counter, ByteBuffer.wrap(AAD), ByteBuffer.wrap(PLAINTEXT), sealed);
            ByteBuffer out = ByteBuffer.allocateDirect(64);
            assertThat(receiver.open(counter, ByteBuffer.wrap(AAD), sealed.flip(), out)).isEqualTo(PLAINTEXT.length);
        }
    }

    private static ByteBuffer sealAt(long counter) {
        ByteBuffer sealed = ByteBuffer.allocate(64);
        new PacketCipher(KEY).seal(counter, ByteBuffer.wrap(AAD), ByteBuffer.wrap(PLAINTEXT), sealed);
        return sealed.flip();
    }

    private static ByteBuffer allocate(boolean direct, int capacity) {
        return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    private static ByteBuffer buffer(boolean direct, byte[] content) {
        return allocate(direct, content.length).put(content).flip();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] result = new byte[buffer.remaining()];
        buffer.duplicate().get(result);
        return result;
    }

    /** A packet laid out as the data path lays it out: 3 bytes before, AAD, plaintext, room for the tag, 5 after. */
    private static byte[] laidOut(byte[] plaintext) {
        byte[] array = new byte[3 + AAD.length + plaintext.length + PacketCipher.TAG_SIZE + 5];
        System.arraycopy(AAD, 0, array, 3, AAD.length);
        System.arraycopy(plaintext, 0, array, 3 + AAD.length, plaintext.length);
        return array;
    }

    @Test
    void sealInPlaceMatchesTheBufferSealAndOpensBothWays() {
        PacketCipher inPlace = new PacketCipher(KEY);
        PacketCipher buffered = new PacketCipher(KEY);
        byte[] array = laidOut(PLAINTEXT);
        int offset = 3 + AAD.length;

        assertThat(inPlace.sealInPlace(7, array, 3, AAD.length, offset, PLAINTEXT.length))
                .isEqualTo(PLAINTEXT.length + PacketCipher.TAG_SIZE);
        ByteBuffer reference = ByteBuffer.allocate(64);
        buffered.seal(7, ByteBuffer.wrap(AAD), ByteBuffer.wrap(PLAINTEXT), reference);
        byte[] sealed = Arrays.copyOfRange(array, offset, offset + PLAINTEXT.length + PacketCipher.TAG_SIZE);
        assertThat(sealed).isEqualTo(bytes(reference.flip()));
        assertThat(array).startsWith(0, 0, 0).endsWith(0, 0, 0, 0, 0);

        ByteBuffer opened = ByteBuffer.allocate(64);
        assertThat(new PacketCipher(KEY).open(7, ByteBuffer.wrap(AAD), ByteBuffer.wrap(sealed), opened))
                .isEqualTo(PLAINTEXT.length);
        assertThat(bytes(opened.flip())).isEqualTo(PLAINTEXT);
        assertThat(new PacketCipher(KEY).openInPlace(7, array, 3, AAD.length, offset, sealed.length))
                .isEqualTo(PLAINTEXT.length);
        assertThat(Arrays.copyOfRange(array, offset, offset + PLAINTEXT.length)).isEqualTo(PLAINTEXT);
    }

    @Test
    void inPlaceRoundTripOfAFullSizePacket() {
        byte[] plaintext = new byte[1200];
        new Random(5).nextBytes(plaintext);
        byte[] array = laidOut(plaintext);
        int offset = 3 + AAD.length;
        int sealed = new PacketCipher(KEY).sealInPlace(9, array, 3, AAD.length, offset, plaintext.length);

        assertThat(new PacketCipher(KEY).openInPlace(9, array, 3, AAD.length, offset, sealed)).isEqualTo(plaintext.length);
        assertThat(Arrays.copyOfRange(array, offset, offset + plaintext.length)).isEqualTo(plaintext);
    }

    @Test
    void openInPlaceOfATamperedPacketFailsAndZeroesIt() {
        int offset = 3 + AAD.length;
        int length = PLAINTEXT.length + PacketCipher.TAG_SIZE;
        for (int flip : new int[]{3, offset, offset + PLAINTEXT.length, offset + length - 1}) {
            byte[] array = laidOut(PLAINTEXT);
            new PacketCipher(KEY).sealInPlace(1, array, 3, AAD.length, offset, PLAINTEXT.length);
            array[flip] ^= 1;

            assertThat(new PacketCipher(KEY).openInPlace(1, array, 3, AAD.length, offset, length)).as("byte %d", flip)
                    .isEqualTo(-1);
            assertThat(Arrays.copyOfRange(array, offset, offset + length)).containsOnly(0);
        }
        byte[] array = laidOut(PLAINTEXT);
        new PacketCipher(KEY).sealInPlace(1, array, 3, AAD.length, offset, PLAINTEXT.length);
        assertThat(new PacketCipher(KEY).openInPlace(2, array, 3, AAD.length, offset, length)).as("another counter")
                .isEqualTo(-1);
    }

    @Test
    void inPlaceRejectsBadCountersShortInputAndRangesOutsideTheArray() {
        PacketCipher cipher = new PacketCipher(KEY, 10);
        byte[] array = laidOut(PLAINTEXT);
        int offset = 3 + AAD.length;
        assertThatThrownBy(() -> cipher.sealInPlace(10, array, 3, AAD.length, offset, PLAINTEXT.length))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cipher.sealInPlace(1, array, 3, AAD.length, offset, PLAINTEXT.length + 6))
                .as("no room for the tag").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cipher.openInPlace(1, array, -1, AAD.length, offset, PLAINTEXT.length))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cipher.openInPlace(10, array, 3, AAD.length, offset, 20)).isEqualTo(-1);
        assertThat(cipher.openInPlace(1, array, 3, AAD.length, offset, PacketCipher.TAG_SIZE - 1)).isEqualTo(-1);
        assertThat(array).isEqualTo(laidOut(PLAINTEXT)).as("nothing touched");
    }
}
