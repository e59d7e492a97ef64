package io.pilot.spring.autoconfigure.endpoint;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Keeps the node's private key ({@code pilot.identity.key}) out of the {@code env} and {@code configprops}
 * endpoints even where they are set to show values ({@code management.endpoint.*.show-values=always}).
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class PilotSanitizingAutoConfiguration {

    /** The property in its canonical form; the environment may spell it PILOT_IDENTITY_KEY or pilot.identity.key. */
    static final String IDENTITY_KEY = "pilot.identity.key";

    @Bean
    SanitizingFunction pilotIdentityKeySanitizingFunction() {
        return SanitizingFunction.sanitizeValue().ifKeyMatches(PilotSanitizingAutoConfiguration::isIdentityKey);
    }

    static boolean isIdentityKey(String key) {
        return key.toLowerCase(Locale.ROOT).replace('_', '.').replace("-", "").equals(IDENTITY_KEY);
    }
}
