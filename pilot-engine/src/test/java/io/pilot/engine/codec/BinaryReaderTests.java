package io.pilot.engine.codec;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BinaryReaderTests {

    /** One field of every kind, in the order {@link #readAll} reads them. */
    private static byte[] everyField() {
        return new BinaryWriter().u8(0xFE).u16(0xFEDC).u32(0xFEDCBA98L).u64(-2).string8("grüße")
                .raw(new byte[] {1, 2, 3}).bytes16(new byte[] {4, 5})
                .socketAddress(new InetSocketAddress("10.1.2.3", 4242))
                .socketAddress(new InetSocketAddress("2001:db8::1", 65535)).toBytes();
    }

    private static void readAll(BinaryReader reader) {
        reader.u8();
        reader.u16();
        reader.u32();
        reader.u64();
        reader.string8();
        reader.raw(3);
        reader.bytes16();
        reader.socketAddress();
        reader.socketAddress();
    }

    @Test
    void readsBackWhatTheWriterWrote() {
        BinaryReader reader = new BinaryReader(everyField());
        assertThat(reader.u8()).isEqualTo(0xFE);
        assertThat(reader.u16()).isEqualTo(0xFEDC);
        assertThat(reader.u32()).as("unsigned").isEqualTo(0xFEDCBA98L);
        assertThat(reader.u64()).isEqualTo(-2);
        assertThat(reader.string8()).isEqualTo("grüße");
        assertThat(reader.raw(3)).containsExactly(1, 2, 3);
        assertThat(reader.bytes16()).containsExactly(4, 5);
        assertThat(reader.socketAddress()).isEqualTo(new InetSocketAddress("10.1.2.3", 4242));
        assertThat(reader.socketAddress()).isEqualTo(new InetSocketAddress("2001:db8::1", 65535));
        assertThat(reader.remaining()).isZero();
        reader.end();
    }

    @Test
    void everyTruncationIsRefusedAsTruncated() {
        byte[] whole = everyField();
        for (int length = 0; length < whole.length; length++) {
            BinaryReader cut = new BinaryReader(Arrays.copyOf(whole, length));
            assertThatThrownBy(() -> readAll(cut)).as("cut after %d of %d bytes", length, whole.length)
                    .isInstanceOf(DecodeException.class).hasMessage("message is truncated");
        }
    }

    @Test
    void trailingBytesAreRefusedByEnd() {
        byte[] whole = everyField();
        BinaryReader reader = new BinaryReader(Arrays.copyOf(whole, whole.length + 2));
        readAll(reader);
        assertThat(reader.remaining()).isEqualTo(2);
        assertThatThrownBy(reader::end).isInstanceOf(DecodeException.class).hasMessage("2 unexpected trailing bytes");
    }

    @Test
    void lengthPrefixesBeyondTheInputAreTruncations() {
        assertRefused(new byte[] {5, 'a', 'b'}, BinaryReader::string8, "message is truncated");
        assertRefused(new byte[] {0, 3, 1, 2}, BinaryReader::bytes16, "message is truncated");
        assertRefused(new byte[] {1, 2}, r -> r.raw(3), "message is truncated");
    }

    @Test
    void anUnknownAddressFamilyIsRefused() {
        assertRefused(new byte[] {5, 1, 2, 3, 4, 0, 80}, BinaryReader::socketAddress, "unknown address family 5");
    }

    @Test
    void stringsAreStrictUtf8() {
        assertRefused(new byte[] {2, (byte) 0xC0, (byte) 0xAF}, BinaryReader::string8, "text is not UTF-8");
    }

    @Test
    void theWriterRefusesFieldsTooLongForTheirPrefix() {
        assertThatThrownBy(() -> new BinaryWriter().string8("x".repeat(256))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BinaryWriter().bytes16(new byte[0x10000])).isInstanceOf(IllegalArgumentException.class);
        assertThat(new BinaryWriter().string8("x".repeat(255)).toBytes()).hasSize(256);
    }

    private static void assertRefused(byte[] bytes, Consumer<BinaryReader> read, String reason) {
        assertThatThrownBy(() -> read.accept(new BinaryReader(bytes))).isInstanceOf(DecodeException.class).hasMessage(reason);
    }
}
