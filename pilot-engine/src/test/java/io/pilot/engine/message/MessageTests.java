package io.pilot.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Headers on a message: limits counted in UTF-8 bytes, set one at a time or all at once, the original never changed. */
class MessageTests {

    @Test
    void aHeaderValueIsLimitedInUtf8BytesNotChars() {
        Message message = Message.of(new byte[0]);
        assertThat(message.with("a", "x".repeat(Message.MAX_HEADER_VALUE)).header("a")).hasSize(Message.MAX_HEADER_VALUE);
        assertThatThrownBy(() -> message.with("a", "x".repeat(Message.MAX_HEADER_VALUE + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than 8192 bytes");
        // '€' is 3 bytes in UTF-8: 2,730 of them fit in 8,192 bytes, 2,731 do not, though both are far under 8,192 chars.
        assertThat(message.with("euro", "€".repeat(2_730)).header("euro")).hasSize(2_730);
        assertThatThrownBy(() -> message.with("euro", "€".repeat(2_731))).isInstanceOf(IllegalArgumentException.class);
        // A surrogate pair is 2 chars and 4 bytes.
        assertThatThrownBy(() -> message.with("emoji", "😀".repeat(2_049))).isInstanceOf(IllegalArgumentException.class);
        assertThat(message.with("emoji", "😀".repeat(2_048)).header("emoji")).isNotNull();
    }

    @Test
    void withAllSetsEveryHeaderInOrderAndReplacesInPlace() {
        Message message = Message.of(new byte[] {1}).with("a", "1").with("b", "2");
        Map<String, String> more = new LinkedHashMap<>();
        more.put("c", "3");
        more.put("a", "one");
        Message copy = message.withAll(more);
        assertThat(copy.headers()).containsExactly(Map.entry("a", "one"), Map.entry("b", "2"), Map.entry("c", "3"));
        assertThat(message.headers()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThat(copy.body()).isSameAs(message.body());
    }

    @Test
    void badHeadersAreRefusedAndNothingChanges() {
        Message message = Message.of(new byte[0]).with("a", "1");
        Map<String, String> tooMany = new LinkedHashMap<>();
        for (int i = 0; i < Message.MAX_HEADERS; i++) {
            tooMany.put("h" + i, "v");
        }
        assertThatThrownBy(() -> message.withAll(tooMany)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 64 headers");
        Map<String, String> badName = new LinkedHashMap<>();
        badName.put("fine", "v");
        badName.put("Not-Lower", "v");
        assertThatThrownBy(() -> message.withAll(badName)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> message.with("a", null)).isInstanceOf(NullPointerException.class);
        assertThat(message.headers()).containsExactly(Map.entry("a", "1"));
    }
}
