package io.pilot.spring.autoconfigure.a2a;

import io.pilot.spring.a2a.AgentCardDescription;
import io.pilot.spring.a2a.AgentCardEndpoint;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.autoconfigure.PilotConfigurationException;
import io.pilot.spring.autoconfigure.PilotJsonMapper;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.URI;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * A servlet web application with the starter serves its agent's signed A2A Agent Card at
 * {@code /.well-known/agent-card.json}; {@code pilot.a2a.enabled=false} turns it off.
 */
@AutoConfiguration(after = PilotAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean(PilotRuntime.class)
@ConditionalOnBooleanProperty(name = "pilot.a2a.enabled", matchIfMissing = true)
@EnableConfigurationProperties(A2aProperties.class)
public final class PilotA2aAutoConfiguration {

    @Bean
    AgentCardEndpoint pilotAgentCardEndpoint(PilotRuntime runtime, CapabilityRegistry capabilities, PilotJsonMapper json,
            A2aProperties properties, @Value("${spring.application.name:#{null}}") String applicationName) {
        return new AgentCardEndpoint(runtime, capabilities, new AgentCardDescription(
                properties.getName() != null ? properties.getName() : applicationName, properties.getDescription(),
                properties.getVersion(), checkedUrl(properties.getUrl())), json.mapper());
    }

    @Bean
    RouterFunction<ServerResponse> pilotAgentCardRoute(AgentCardEndpoint endpoint) {
        return endpoint.route();
    }

    /** {@code pilot.a2a.url}: an absolute http(s) URL, or the application does not start. */
    private static String checkedUrl(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI uri = URI.create(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return url;
            }
        } catch (IllegalArgumentException invalid) {
            // reported below
        }
        throw new PilotConfigurationException("pilot.a2a.url", "'" + url + "' is not an absolute http(s) URL",
                "give the URL the application is reached at, e.g. https://papers.example.com");
    }
}
