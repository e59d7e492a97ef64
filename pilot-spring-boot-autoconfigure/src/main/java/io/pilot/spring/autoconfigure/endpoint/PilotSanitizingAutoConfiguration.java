package io.pilot.spring.autoconfigure.endpoint;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Keeps the starter's secrets, the node's private key ({@code pilot.identity.key}), the realm's join token
 * ({@code pilot.backbone.join-token}) and the proxy's password ({@code pilot.proxy.password}, {@code pilot.proxy.url}), out of the {@code env} and {@code configprops} endpoints even where they are
 * set to show values ({@code management.endpoint.*.show-values=always}).
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class PilotSanitizingAutoConfiguration {

    /** The secret properties in canonical form. */
    static final Set<String> SECRETS = Set.of("pilot.identity.key", "pilot.backbone.join-token", "pilot.proxy.password",
            "pilot.proxy.url"); // a proxy URL may hold the password (http://user:password@host:port)

    private static final Set<String> CANONICAL_SECRETS = SECRETS.stream().map(PilotSanitizingAutoConfiguration::canonical)
            .collect(Collectors.toUnmodifiableSet());

    @Bean
    SanitizingFunction pilotSecretsSanitizingFunction() {
        return SanitizingFunction.sanitizeValue().ifKeyMatches(PilotSanitizingAutoConfiguration::isSecret);
    }

    /**
     * Whether {@code key} names a secret however it is spelled: {@code pilot.backbone.join-token},
     * {@code pilot.backbone.joinToken}, {@code PILOT_BACKBONE_JOIN_TOKEN}.
     */
    static boolean isSecret(String key) {
        return CANONICAL_SECRETS.contains(canonical(key));
    }

    /** The name in lower case without separators, the one form all spellings of it share. */
    private static String canonical(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(".", "");
    }
}
