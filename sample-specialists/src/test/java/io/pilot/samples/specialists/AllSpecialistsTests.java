package io.pilot.samples.specialists;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.spring.capability.CapabilityMethod;
import io.pilot.spring.capability.CapabilityRegistry;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;

/** Several profiles at once make one agent that offers all their capabilities under one hostname. */
@ActiveProfiles({ "papers", "fx", "news" })
@TestPropertySource(properties = "pilot.hostname=specialists") // the single-profile tests' agents hold the others
class AllSpecialistsTests extends SpecialistTest {

    @Autowired
    CapabilityRegistry capabilities;

    @Test
    void oneAgentServesEveryProfilesCapabilities() {
        assertThat(capabilities.all()).extracting(CapabilityMethod::name).containsExactlyInAnyOrder("papers.resolve-citation",
                "papers.search", "papers.cited-by", "fx.rate", "fx.convert", "fx.series", "fx.series.stream",
                "news.search", "news.latest");

        JsonNode papers = caller().call("specialists", "papers.search", Map.of("query", "quantum"), JsonNode.class);
        JsonNode news = caller().call("specialists", "news.search", Map.of("topic", "quantum"), JsonNode.class);
        JsonNode rate = caller().call("specialists", "fx.rate", Map.of("base", "CHF", "quote", "EUR"), JsonNode.class);

        assertThat(papers.path("total").asInt()).isPositive();
        assertThat(news.path("total").asInt()).isPositive();
        assertThat(rate.path("rate").decimalValue()).isPositive();
    }
}
