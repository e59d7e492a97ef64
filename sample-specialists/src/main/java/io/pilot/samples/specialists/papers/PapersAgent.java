package io.pilot.samples.specialists.papers;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Profile;

/** The papers specialist: resolves citations from its {@link CitationIndex}. */
@Profile("papers")
@PilotAgent(groups = "RESEARCH")
public class PapersAgent {

    /** {@code {"doi":"10.…"}}; resolver URLs and {@code doi:} prefixes are accepted too. */
    public record DoiRequest(String doi) {
    }

    /** {@code {"query":"attention","limit":5}}; limit 1 to 50, 10 when absent. */
    public record SearchRequest(String query, @Nullable Integer limit) {
    }

    private final CitationIndex index;

    public PapersAgent(CitationIndex index) {
        this.index = index;
    }

    @Capability(value = "papers.resolve-citation", description = "a paper by DOI: title, authors, year, venue, references, citation count")
    public Citation resolve(DoiRequest request) {
        return index.resolve(request.doi());
    }

    @Capability(value = "papers.search", description = "papers whose title, authors or venue hold every word of the query")
    public PaperSearch search(SearchRequest request) {
        return index.search(request.query(), request.limit());
    }

    @Capability(value = "papers.cited-by", description = "the papers of the index that cite a DOI")
    public CitingPapers citedBy(DoiRequest request) {
        return index.citedBy(request.doi());
    }
}
