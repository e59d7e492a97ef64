package io.pilot.samples.specialists.papers;

import io.pilot.samples.specialists.support.BadRequestException;

import java.util.List;
import java.util.Locale;

/**
 * DOIs as callers write them: bare ({@code 10.1145/359545.359563}), as a resolver URL
 * ({@code https://doi.org/10.1145/...}) or with a {@code doi:} prefix, in any case (DOIs are case-insensitive).
 */
final class Dois {

    private static final List<String> PREFIXES = List.of("https://doi.org/", "http://doi.org/", "https://dx.doi.org/",
            "http://dx.doi.org/", "doi:");

    private Dois() {
    }

    /** The bare DOI, as written apart from the prefix. */
    static String bare(String doi) {
        if (doi == null || doi.isBlank()) {
            throw new BadRequestException("a DOI is required, e.g. {\"doi\":\"10.48550/arXiv.1706.03762\"}");
        }
        String trimmed = doi.strip();
        for (String prefix : PREFIXES) {
            if (trimmed.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return trimmed.substring(prefix.length());
            }
        }
        return trimmed;
    }

    /** The key to look a DOI up by. */
    static String key(String doi) {
        return bare(doi).toLowerCase(Locale.ROOT);
    }
}
