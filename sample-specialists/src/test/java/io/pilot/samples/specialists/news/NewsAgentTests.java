package io.pilot.samples.specialists.news;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.samples.specialists.SpecialistTest;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;

@ActiveProfiles("news")
@ExtendWith(OutputCaptureExtension.class)
class NewsAgentTests extends SpecialistTest {

    @Test
    void searchesTheFeedsForATopicAndLogsWhoAsked(CapturedOutput output) {
        JsonNode search = call("news.search", Map.of("topic", "attention", "limit", 3));
        assertThat(output).contains("researcher searches the news for 'attention'");

        assertThat(search.propertyNames()).containsExactly("topic", "total", "items");
        assertThat(search.path("total").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(search.path("items")).hasSize(3);
        JsonNode item = search.path("items").get(0);
        assertThat(item.propertyNames()).containsExactly("title", "link", "published", "feed", "summary", "categories");
        assertThat(item.path("title").asString()).isEqualTo("Attention, explained from the ground up");
        assertThat(Instant.parse(item.path("published").asString())).isEqualTo("2025-05-06T23:00:00Z");
        assertThat(item.path("categories")).extracting(JsonNode::asString).contains("attention");
    }

    @Test
    void listsTheLatestOfOneFeed() {
        JsonNode latest = call("news.latest", Map.of("limit", 2, "feed", "quantum-computing"));

        assertThat(latest.propertyNames()).containsExactly("items");
        assertThat(latest.path("items")).hasSize(2)
                .allSatisfy(item -> assertThat(item.path("feed").asString()).isEqualTo("quantum-computing"));
    }

    @Test
    void badRequestsReachTheCallerInPlainWords() {
        assertRefused(() -> call("news.latest", Map.of("feed", "sports")),
                "unknown feed 'sports'; feeds: ai-research, distributed-systems, quantum-computing, security-crypto");
        assertRefused(() -> call("news.search", Map.of("topic", " ", "limit", 5)), "a topic is required, e.g. {\"topic\":\"attention\"}");
        assertRefused(() -> call("news.search", Map.of("limit", 5)), "the argument of 'news.search' is invalid: 'topic' is required (required)");
        assertRefused(() -> call("news.search", Map.of("topic", "quantum", "limit", "many")),
                "the argument of 'news.search' is invalid: 'limit' must be an integer or null (type)");
    }

    @Test
    void isTheResearchGroupsNewsSpecialist() throws Exception {
        assertPilotHealthUp("specialist-news");
        assertThat(actuator("pilot").path("capabilities")).extracting(capability -> capability.path("name").asString())
                .containsExactlyInAnyOrder("news.search", "news.latest");
    }
}
