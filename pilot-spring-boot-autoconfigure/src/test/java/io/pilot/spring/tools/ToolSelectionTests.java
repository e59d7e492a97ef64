package io.pilot.spring.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.Identity;

import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class ToolSelectionTests {

    @Test
    void includeAndExcludePatternsWithWildcards() {
        ToolSelection selection = new ToolSelection(Set.of(), List.of("papers.*", "fx.rate", "*.searc?"), List.of("*.cited-by"));
        assertThat(selection.offers("papers.search")).isTrue();
        assertThat(selection.offers("papers.cited-by")).isFalse();
        assertThat(selection.offers("fx.rate")).isTrue();
        assertThat(selection.offers("fx.rates")).isFalse();
        assertThat(selection.offers("fx.convert")).isFalse();
        assertThat(selection.offers("news.search")).isTrue();
        assertThat(selection.offers("papersXsearch")).as("a dot in a pattern is a dot").isFalse();
        assertThat(new ToolSelection(Set.of(), List.of(), List.of()).offers("papers.search")).isFalse();
        assertThat(ToolSelection.EVERYTHING.offers("anything.at-all")).isTrue();
    }

    @Test
    void groupsSelectTheirMembersOnly() {
        ToolSelection research = new ToolSelection(Set.of("RESEARCH"), List.of("*"), List.of());
        assertThat(research.selects(record("RESEARCH", "other"))).isTrue();
        assertThat(research.selects(record("finance"))).isFalse();
        assertThat(ToolSelection.EVERYTHING.selects(record())).isTrue();
    }

    @Test
    void badPatternsAndGroupsAreRefusedByName() {
        assertThatThrownBy(() -> new ToolSelection(Set.of(), List.of("papers.[a-z]+"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid tool pattern 'papers.[a-z]+'");
        assertThatThrownBy(() -> new ToolSelection(Set.of(), List.of("*"), List.of("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid tool pattern ''");
        assertThatThrownBy(() -> new ToolSelection(Set.of("no group!"), List.of("*"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid group 'no group!'");
    }

    private static NodeRecord record(String... groups) {
        return new NodeRecord(1, Identity.generate(new SecureRandom()).publicKey(), "agent", List.of(), new TreeSet<>(List.of(groups)),
                List.of(), 1, Long.MAX_VALUE);
    }
}
