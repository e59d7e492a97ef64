package io.pilot.engine.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrictUtf8Tests {

    @Test
    void decodesValidTextOfEveryLength() {
        String text = "a ß € 𝄞";
        assertThat(StrictUtf8.decode(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
        assertThat(StrictUtf8.decode(new byte[0])).isEmpty();
    }

    @Test
    void decodesABufferFromItsPositionAndConsumesIt() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {'x', 'o', 'k'});
        buffer.position(1);
        assertThat(StrictUtf8.decode(buffer)).isEqualTo("ok");
        assertThat(buffer.hasRemaining()).isFalse();
    }

    @Test
    void refusesOverlongForms() {
        assertRefused(0xC0, 0xAF);             // '/' in two bytes
        assertRefused(0xE0, 0x80, 0xAF);       // '/' in three bytes
        assertRefused(0xC0, 0x80);             // NUL in two bytes (modified UTF-8)
    }

    @Test
    void refusesEncodedSurrogates() {
        assertRefused(0xED, 0xA0, 0x80);       // U+D800, a lone high surrogate
        assertRefused(0xED, 0xBF, 0xBF);       // U+DFFF, a lone low surrogate
        assertRefused(0xED, 0xA0, 0xBD, 0xED, 0xB4, 0x9E); // a surrogate pair encoded as CESU-8
    }

    @Test
    void refusesCutOffAndStrayBytes() {
        assertRefused('a', 0xE2, 0x82);        // '€' missing its last byte
        assertRefused(0x80);                   // a continuation byte alone
        assertRefused(0xFF);                   // never valid in UTF-8
        assertRefused(0xF4, 0x90, 0x80, 0x80); // above U+10FFFF
    }

    private static void assertRefused(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        assertThatThrownBy(() -> StrictUtf8.decode(bytes)).isInstanceOf(DecodeException.class)
                .hasMessage("text is not UTF-8");
    }
}
