package io.pilot.samples.specialists.fx;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

@Configuration(proxyBeanMethods = false)
@Profile("fx")
class FxConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FxConfiguration.class);

    @Bean
    ReferenceRates referenceRates() {
        ReferenceRates rates = EcbRates.load(EcbRates.BUNDLED);
        log.info("fx: {} currencies from {} to {} from {}", rates.currencies().size(), rates.first(), rates.last(),
                EcbRates.BUNDLED);
        return rates;
    }
}
