package io.pilot.spring.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class ToolNamesTests {

    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    @Test
    void dotsBecomeUnderscoresAndTheRestStays() {
        assertThat(ToolNames.of("papers.search")).isEqualTo("papers_search");
        assertThat(ToolNames.of("papers.resolve-citation")).isEqualTo("papers_resolve-citation");
        assertThat(ToolNames.of("fx.series.stream")).isEqualTo("fx_series_stream");
        assertThat(ToolNames.of("echo")).isEqualTo("echo");
    }

    @Test
    void capabilitiesThatDifferOnlyByDotOrUnderscoreGetDifferentNames() {
        List<String> capabilities = List.of("a.b", "a_b", "a._b", "a_.b", "a__b", "a..b", "a.ub", "a_ub", "_", ".", "__", "._", "_.");
        Set<String> names = new HashSet<>();
        for (String capability : capabilities) {
            String name = ToolNames.of(capability);
            assertThat(name).matches(VALID);
            assertThat(names.add(name)).as("%s -> %s is new", capability, name).isTrue();
        }
        assertThat(ToolNames.of("my_tool")).isEqualTo("my_Utool");
    }

    @Test
    void longNamesAreCutAndTellApartByTheirDigest() {
        String base = "x".repeat(61);
        String one = ToolNames.of(base + ".one");
        String two = ToolNames.of(base + ".two");
        assertThat(one).matches(VALID).hasSize(64).startsWith("x".repeat(55) + "-");
        assertThat(two).matches(VALID).hasSize(64).isNotEqualTo(one);
        assertThat(ToolNames.of("y".repeat(64))).isEqualTo("y".repeat(64));
        assertThat(ToolNames.of("y".repeat(65))).hasSize(64);
    }

    @Test
    void anInvalidCapabilityIsRefused() {
        assertThatThrownBy(() -> ToolNames.of("Papers.Search")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid capability 'Papers.Search'");
        assertThatThrownBy(() -> ToolNames.of("")).isInstanceOf(IllegalArgumentException.class);
    }
}
