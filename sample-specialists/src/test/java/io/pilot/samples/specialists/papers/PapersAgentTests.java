package io.pilot.samples.specialists.papers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.ErrorCode;
import io.pilot.samples.specialists.SpecialistTest;
import io.pilot.spring.PilotRemoteException;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;

@ActiveProfiles("papers")
class PapersAgentTests extends SpecialistTest {

    @Test
    void resolvesACitationOverATunnel() {
        JsonNode citation = call("papers.resolve-citation", Map.of("doi", "https://doi.org/10.48550/ARXIV.1706.03762"));

        assertThat(citation.propertyNames()).containsExactly("doi", "title", "authors", "year", "venue", "citedBy", "references");
        assertThat(citation.path("doi").asString()).isEqualTo("10.48550/arXiv.1706.03762");
        assertThat(citation.path("title").asString()).isEqualTo("Attention Is All You Need");
        assertThat(citation.path("authors").get(0).asString()).isEqualTo("Ashish Vaswani");
        assertThat(citation.path("year").asInt()).isEqualTo(2017);
        assertThat(citation.path("citedBy").asInt()).isGreaterThanOrEqualTo(10);
        assertThat(citation.path("references").isArray()).isTrue();

        Citation typed = caller().call("papers.resolve-citation", new PapersAgent.DoiRequest("10.1145/568425.568433"), Citation.class);
        assertThat(typed.title()).isEqualTo("Paxos Made Simple");
    }

    @Test
    void searchesAndListsCitingPapers() {
        JsonNode search = call("papers.search", Map.of("query", "attention", "limit", 2));
        assertThat(search.propertyNames()).containsExactly("query", "total", "results");
        assertThat(search.path("total").asInt()).isEqualTo(5);
        assertThat(search.path("results")).hasSize(2);
        assertThat(search.path("results").get(0).path("title").asString()).isEqualTo("Attention Is All You Need");

        JsonNode citedBy = call("papers.cited-by", Map.of("doi", "10.1145/568425.568433"));
        assertThat(citedBy.propertyNames()).containsExactly("doi", "citedBy");
        assertThat(citedBy.path("citedBy")).extracting(paper -> paper.path("title").asString())
                .containsExactly("Paxos Made Live: An Engineering Perspective", "Fast Paxos");
    }

    @Test
    void badRequestsReachTheCallerInPlainWords() {
        assertRefused(() -> call("papers.search", Map.of("query", " ")), "a query is required, e.g. {\"query\":\"attention\"}");
        assertRefused(() -> call("papers.search", Map.of("query", "attention", "limit", 500)), "limit must be between 1 and 50, was 500");
        assertRefused(() -> call("papers.cited-by", null), "papers.cited-by needs an argument (JSON), got none");
    }

    @Test
    void aDoiTheIndexDoesNotHoldIsNotFound() {
        for (String capability : List.of("papers.resolve-citation", "papers.cited-by")) {
            assertThatThrownBy(() -> call(capability, Map.of("doi", "https://doi.org/10.1/xyz")))
                    .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                        assertThat(e.detail()).isEqualTo("unknown DOI 10.1/xyz");
                        assertThat(e.capability()).isEqualTo(capability);
                    });
        }
    }

    @Test
    void isTheResearchGroupsPapersSpecialist() throws Exception {
        assertThat(caller().find("papers.resolve-citation")).extracting(NodeRecord::hostname).contains("specialist-papers");
        assertPilotHealthUp("specialist-papers");

        JsonNode pilot = actuator("pilot");
        assertThat(pilot.path("capabilities")).extracting(capability -> capability.path("name").asString())
                .containsExactlyInAnyOrder("papers.resolve-citation", "papers.search", "papers.cited-by");
        assertThat(pilot.path("groups")).extracting(JsonNode::asString).containsExactly("RESEARCH");
    }
}
