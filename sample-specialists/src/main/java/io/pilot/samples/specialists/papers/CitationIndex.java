package io.pilot.samples.specialists.papers;

import io.pilot.samples.specialists.support.DataException;
import io.pilot.samples.specialists.support.DataFiles;
import io.pilot.samples.specialists.support.Limit;
import io.pilot.samples.specialists.support.Query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The papers specialist's knowledge: a citation index of real papers, each with the papers of the index it
 * cites, so it also knows who cites whom. Immutable once loaded.
 */
public final class CitationIndex {

    /** The index bundled with the sample (see {@code data/README.md}). */
    public static final String BUNDLED = "data/papers/citations.json";

    /** The most cited first, then the newest; the title keeps the order total. */
    private static final Comparator<Citation> BY_CITATIONS = Comparator.comparingInt(Citation::citedBy).reversed()
            .thenComparing(Comparator.comparingInt(Citation::year).reversed())
            .thenComparing(Citation::title);

    private final Map<String, Paper> papers = new LinkedHashMap<>();
    private final Map<String, List<Paper>> citedBy = new HashMap<>();

    /** @param source where the papers come from, for error messages */
    public CitationIndex(String source, List<Paper> papers) {
        for (Paper paper : papers) {
            check(source, paper);
            if (this.papers.putIfAbsent(Dois.key(paper.doi()), paper) != null) {
                throw new DataException(source, "DOI " + paper.doi() + " appears twice");
            }
        }
        for (Paper paper : papers) {
            for (String reference : paper.references()) {
                if (!this.papers.containsKey(Dois.key(reference)) || Dois.key(reference).equals(Dois.key(paper.doi()))) {
                    throw new DataException(source, paper.doi() + " references " + reference
                            + ", which is not another paper of the index");
                }
                citedBy.computeIfAbsent(Dois.key(reference), key -> new ArrayList<>()).add(paper);
            }
        }
    }

    public static CitationIndex load(String resource) {
        return new CitationIndex(resource, List.of(DataFiles.readJson(resource, Paper[].class)));
    }

    public int size() {
        return papers.size();
    }

    /** {@code papers.resolve-citation}: empty if the index has no paper of that DOI. */
    public Optional<Citation> resolve(String doi) {
        return paper(doi).map(this::citation);
    }

    /** {@code papers.search}: title matches rank above author or venue matches. */
    public PaperSearch search(String text, Integer limit) {
        Query query = Query.parse(text, "query");
        int max = Limit.of(limit);
        List<Citation> inTitle = new ArrayList<>();
        List<Citation> elsewhere = new ArrayList<>();
        for (Paper paper : papers.values()) {
            if (query.matches(paper.title())) {
                inTitle.add(citation(paper));
            } else if (query.matchesAcross(Stream.concat(Stream.of(paper.title(), paper.venue()), paper.authors().stream()).toList())) {
                elsewhere.add(citation(paper));
            }
        }
        inTitle.sort(BY_CITATIONS);
        elsewhere.sort(BY_CITATIONS);
        List<Citation> ranked = Stream.concat(inTitle.stream(), elsewhere.stream()).toList();
        return new PaperSearch(query.text(), ranked.size(), ranked.subList(0, Math.min(max, ranked.size())));
    }

    /** {@code papers.cited-by}: newest first; empty if the index has no paper of that DOI. */
    public Optional<CitingPapers> citedBy(String doi) {
        return paper(doi).map(paper -> new CitingPapers(paper.doi(), citedBy.getOrDefault(Dois.key(paper.doi()), List.of())
                .stream()
                .map(this::citation)
                .sorted(Comparator.comparingInt(Citation::year).reversed().thenComparing(Citation::title))
                .toList()));
    }

    /** @throws io.pilot.samples.specialists.support.BadRequestException if {@code doi} is blank */
    private Optional<Paper> paper(String doi) {
        return Optional.ofNullable(papers.get(Dois.key(doi)));
    }

    private Citation citation(Paper paper) {
        return new Citation(paper.doi(), paper.title(), paper.authors(), paper.year(), paper.venue(),
                citedBy.getOrDefault(Dois.key(paper.doi()), List.of()).size(), paper.references());
    }

    private static void check(String source, Paper paper) {
        if (paper.doi() == null || !paper.doi().startsWith("10.")) {
            throw new DataException(source, "a paper has no DOI of the form 10.*: " + paper);
        }
        if (paper.title() == null || paper.title().isBlank() || paper.venue() == null || paper.venue().isBlank()
                || paper.authors() == null || paper.authors().isEmpty() || paper.year() < 1900
                || paper.references() == null || paper.references().stream().anyMatch(r -> r == null || r.isBlank())) {
            throw new DataException(source, paper.doi() + " needs a title, authors, a year, a venue and references: " + paper);
        }
    }
}
