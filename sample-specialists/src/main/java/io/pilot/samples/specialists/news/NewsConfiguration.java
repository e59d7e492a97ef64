package io.pilot.samples.specialists.news;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

@Configuration(proxyBeanMethods = false)
@Profile("news")
class NewsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(NewsConfiguration.class);

    @Bean
    NewsDesk newsDesk() {
        NewsDesk desk = NewsDesk.load(NewsDesk.BUNDLED);
        log.info("news: {} items from feeds {}", desk.size(), desk.feeds());
        return desk;
    }
}
