package io.pilot.samples.specialists.papers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.samples.specialists.support.BadRequestException;
import io.pilot.samples.specialists.support.DataException;
import io.pilot.samples.specialists.support.DataFiles;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CitationIndexTests {

    private static final String TRANSFORMER = "10.48550/arXiv.1706.03762";
    private static final String PAXOS_MADE_SIMPLE = "10.1145/568425.568433";

    private static final CitationIndex bundled = CitationIndex.load(CitationIndex.BUNDLED);

    @Test
    void theBundledIndexHoldsRealPapersThatCiteOnlyEarlierOnes() {
        List<Paper> papers = List.of(DataFiles.readJson(CitationIndex.BUNDLED, Paper[].class));
        Map<String, Integer> years = new HashMap<>();
        papers.forEach(paper -> years.put(paper.doi(), paper.year()));

        assertThat(bundled.size()).isEqualTo(papers.size()).isGreaterThanOrEqualTo(60);
        // RFCs of one family cite each other in the same year; nothing cites the future.
        assertThat(papers).allSatisfy(paper -> assertThat(paper.references())
                .allSatisfy(reference -> assertThat(years.get(reference)).isLessThanOrEqualTo(paper.year())));
    }

    @Test
    void resolvesADoiWithItsReferencesAndHowOftenTheIndexCitesIt() {
        Citation paxos = bundled.resolve(PAXOS_MADE_SIMPLE).orElseThrow();

        assertThat(paxos.title()).isEqualTo("Paxos Made Simple");
        assertThat(paxos.authors()).containsExactly("Leslie Lamport");
        assertThat(paxos.year()).isEqualTo(2001);
        assertThat(paxos.venue()).isEqualTo("ACM SIGACT News 32(4)");
        assertThat(paxos.references()).containsExactly("10.1145/279227.279229", "10.1145/359545.359563", "10.1145/3149.214121");
        assertThat(paxos.citedBy()).isEqualTo(2);
    }

    @Test
    void aDoiMatchesInAnyCaseAndAsAResolverUrl() {
        assertThat(bundled.resolve("10.48550/ARXIV.1706.03762").orElseThrow().title()).isEqualTo("Attention Is All You Need");
        assertThat(bundled.resolve(" https://doi.org/10.48550/arxiv.1706.03762 ").orElseThrow().doi()).isEqualTo(TRANSFORMER);
        assertThat(bundled.resolve("doi:10.1145/568425.568433").orElseThrow().doi()).isEqualTo(PAXOS_MADE_SIMPLE);
    }

    @Test
    void anUnknownDoiFindsNothingAndAMissingOneIsRefusedInTheCallersTerms() {
        assertThat(bundled.resolve("10.1/xyz")).isEmpty();
        assertThat(bundled.resolve("https://doi.org/10.1/XYZ")).isEmpty();
        assertThat(bundled.citedBy("10.1/xyz")).isEmpty();
        assertThatThrownBy(() -> bundled.resolve(" ")).isInstanceOf(BadRequestException.class)
                .hasMessageStartingWith("a DOI is required");
    }

    @Test
    void citedByListsTheCitingPapersNewestFirst() {
        CitingPapers citing = bundled.citedBy("10.1145/568425.568433").orElseThrow();

        assertThat(citing.doi()).isEqualTo(PAXOS_MADE_SIMPLE);
        assertThat(citing.citedBy()).extracting(Citation::title)
                .containsExactly("Paxos Made Live: An Engineering Perspective", "Fast Paxos");
        assertThat(bundled.citedBy(TRANSFORMER).orElseThrow().citedBy()).hasSize(bundled.resolve(TRANSFORMER).orElseThrow().citedBy());
    }

    @Test
    void attentionFindsTheTransformerFirst() {
        PaperSearch search = bundled.search("attention", 3);

        assertThat(search.query()).isEqualTo("attention");
        assertThat(search.total()).isEqualTo(5);
        assertThat(search.results()).hasSize(3).extracting(Citation::doi).first().isEqualTo(TRANSFORMER);
        assertThat(bundled.search("attention", null).results()).hasSize(5)
                .allSatisfy(c -> assertThat(c.title()).containsIgnoringCase("attention"));
    }

    @Test
    void theFleetsTopicsFindPapers() {
        assertThat(bundled.search("consensus", null).total()).isGreaterThanOrEqualTo(2);
        assertThat(bundled.search("quantum", null).total()).isGreaterThanOrEqualTo(3);
        assertThat(bundled.search("Lamport", null).results()).isNotEmpty()
                .allSatisfy(c -> assertThat(c.authors()).contains("Leslie Lamport"));
    }

    @Test
    void titleMatchesRankAboveAuthorAndVenueMatchesThenCitationsThenYear() {
        CitationIndex index = new CitationIndex("test", List.of(
                paper("10.1/by-author", "Replication", 2001, "Ann Gossip"),
                paper("10.1/cites-1", "Later work", 2003, "Someone", "10.1/by-author", "10.1/old"),
                paper("10.1/cites-2", "More work", 2004, "Someone", "10.1/by-author"),
                paper("10.1/old", "Gossip, old", 1990, "Someone"),
                paper("10.1/new", "Gossip, new", 2010, "Someone"),
                paper("10.1/venue", "Unrelated", 2011, "Someone")));

        assertThat(index.search("gossip", null).results()).extracting(Citation::doi)
                .containsExactly("10.1/old", "10.1/new", "10.1/by-author");
        assertThat(index.search("gossip", 1).total()).isEqualTo(3);
    }

    @Test
    void aSearchNeedsAQueryAndASensibleLimit() {
        assertThatThrownBy(() -> bundled.search("  ", 5)).isInstanceOf(BadRequestException.class)
                .hasMessage("a query is required, e.g. {\"query\":\"attention\"}");
        assertThatThrownBy(() -> bundled.search("attention", 0)).isInstanceOf(BadRequestException.class)
                .hasMessage("limit must be between 1 and 50, was 0");
    }

    @Test
    void inconsistentDataIsRefusedNamingTheSource() {
        Paper a = paper("10.1/a", "A", 2000, "X");
        assertThatThrownBy(() -> new CitationIndex("papers.json", List.of(a, paper("10.1/A", "A again", 2000, "X"))))
                .isInstanceOf(DataException.class).hasMessage("papers.json: DOI 10.1/A appears twice");
        assertThatThrownBy(() -> new CitationIndex("papers.json", List.of(paper("10.1/b", "B", 2000, "X", "10.1/nowhere"))))
                .isInstanceOf(DataException.class)
                .hasMessage("papers.json: 10.1/b references 10.1/nowhere, which is not another paper of the index");
        assertThatThrownBy(() -> new CitationIndex("papers.json", List.of(paper("10.1/c", "C", 2000, "X", "10.1/c"))))
                .isInstanceOf(DataException.class).hasMessageContaining("which is not another paper");
        assertThatThrownBy(() -> new CitationIndex("papers.json", List.of(paper("10.1/d", " ", 2000, "X"))))
                .isInstanceOf(DataException.class).hasMessageStartingWith("papers.json: 10.1/d needs a title");
    }

    private static Paper paper(String doi, String title, int year, String author, String... references) {
        return new Paper(doi, title, List.of(author), year, "Venue", List.of(references));
    }
}
