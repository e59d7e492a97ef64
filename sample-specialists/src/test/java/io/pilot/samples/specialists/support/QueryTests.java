package io.pilot.samples.specialists.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class QueryTests {

    @Test
    void everyWordMustOccurIgnoringCase() {
        Query query = Query.parse("  Quantum computer ", "query");

        assertThat(query.text()).isEqualTo("Quantum computer");
        assertThat(query.matches("Algorithms on a QUANTUM Computer")).isTrue();
        assertThat(query.matches("Quantum supremacy")).isFalse();
    }

    @Test
    void acrossTextsEachWordMayOccurInADifferentOne() {
        Query query = Query.parse("lamport paxos", "query");

        assertThat(query.matchesAcross(List.of("The Part-Time Parliament", "Leslie Lamport"))).isFalse();
        assertThat(query.matchesAcross(List.of("Paxos Made Simple", "Leslie Lamport"))).isTrue();
    }

    @Test
    void aBlankQueryIsRefusedWithAnExample() {
        assertThatThrownBy(() -> Query.parse(" ", "topic")).isInstanceOf(BadRequestException.class)
                .hasMessage("a topic is required, e.g. {\"topic\":\"attention\"}");
        assertThatThrownBy(() -> Query.parse(null, "query")).isInstanceOf(BadRequestException.class);
    }
}
