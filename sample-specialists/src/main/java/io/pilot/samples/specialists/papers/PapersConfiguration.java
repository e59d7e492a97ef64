package io.pilot.samples.specialists.papers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

@Configuration(proxyBeanMethods = false)
@Profile("papers")
class PapersConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PapersConfiguration.class);

    @Bean
    CitationIndex citationIndex() {
        CitationIndex index = CitationIndex.load(CitationIndex.BUNDLED);
        log.info("papers: {} papers from {}", index.size(), CitationIndex.BUNDLED);
        return index;
    }
}
