package io.pilot.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

/** A message's headers as an array map: a map like any other to its readers, immutable, in first-set order. */
class HeaderMapTests {

    @Test
    void readsAndComparesAsTheLinkedHashMapItReplaces() {
        HeaderMap headers = HeaderMap.EMPTY.with("a", "1").with("b", "2").withAll(Map.of("c", "3"));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("a", "1");
        expected.put("b", "2");
        expected.put("c", "3");
        assertThat(headers).containsExactlyEntriesOf(expected).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(headers.get("b")).isEqualTo("2");
        assertThat(headers.get("d")).isNull();
        assertThat(headers.get(42)).as("a key that is no string").isNull();
        assertThat(headers.containsKey("c")).isTrue();
        assertThat(headers.containsKey("d")).isFalse();
        assertThat(headers.toString()).isEqualTo("{a=1, b=2, c=3}");
        Map<String, String> seen = new LinkedHashMap<>();
        headers.forEach(seen::put);
        assertThat(seen).containsExactlyEntriesOf(expected);
        assertThat(HeaderMap.EMPTY).isEmpty();
    }

    @Test
    void settingANameAgainKeepsItsPlaceAndLeavesTheOriginalAlone() {
        HeaderMap original = HeaderMap.EMPTY.with("a", "1").with("b", "2");
        Map<String, String> more = new LinkedHashMap<>();
        more.put("c", "3");
        more.put("a", "one");
        more.put("c", "three");
        assertThat(original.with("a", "uno")).containsExactly(Map.entry("a", "uno"), Map.entry("b", "2"));
        assertThat(original.withAll(more)).containsExactly(Map.entry("a", "one"), Map.entry("b", "2"),
                Map.entry("c", "three"));
        assertThat(original).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    }

    @Test
    void noWayToChangeItFromOutside() {
        HeaderMap headers = HeaderMap.EMPTY.with("a", "1");
        assertThatThrownBy(() -> headers.put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> headers.remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(headers::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> headers.entrySet().iterator().next().setValue("x"))
                .isInstanceOf(UnsupportedOperationException.class);
        Iterator<Map.Entry<String, String>> entries = headers.entrySet().iterator();
        entries.next();
        assertThatThrownBy(entries::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(entries::next).isInstanceOf(NoSuchElementException.class);
        assertThat(headers).containsExactly(Map.entry("a", "1"));
    }

    @Test
    void theDecodersBuilderRefusesANameReadTwiceAndKeepsTheFirst() {
        HeaderMap.Builder builder = new HeaderMap.Builder(3);
        assertThat(builder.add("a", "1")).isTrue();
        assertThat(builder.add("b", "2")).isTrue();
        assertThat(builder.add("a", "again")).isFalse();
        assertThat(builder.build()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThat(new HeaderMap.Builder(0).build()).isSameAs(HeaderMap.EMPTY);
    }
}
