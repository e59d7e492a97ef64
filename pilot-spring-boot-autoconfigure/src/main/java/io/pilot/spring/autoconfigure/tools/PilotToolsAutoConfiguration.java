package io.pilot.spring.autoconfigure.tools;

import io.pilot.spring.PilotClient;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.autoconfigure.PilotConfigurationException;
import io.pilot.spring.autoconfigure.PilotJsonMapper;
import io.pilot.spring.runtime.PilotRuntime;
import io.pilot.spring.tools.MeshToolCatalog;
import io.pilot.spring.tools.ToolSelection;

import java.util.Set;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The mesh's capabilities as tools for language models: a {@link MeshToolCatalog} that follows the directory from its
 * first use (an application that never lists tools never watches the realm).
 */
@AutoConfiguration(after = PilotAutoConfiguration.class)
@ConditionalOnBean(PilotRuntime.class)
@ConditionalOnBooleanProperty(name = "pilot.tools.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PilotToolsProperties.class)
public final class PilotToolsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MeshToolCatalog pilotMeshToolCatalog(PilotRuntime runtime, PilotClient client, PilotJsonMapper json,
            PilotToolsProperties properties) {
        return new MeshToolCatalog(runtime::directory, client, json.mapper(), selection(properties));
    }

    static ToolSelection selection(PilotToolsProperties properties) {
        try {
            return new ToolSelection(Set.copyOf(properties.getGroups()), properties.getInclude(), properties.getExclude());
        } catch (IllegalArgumentException e) {
            throw new PilotConfigurationException("pilot.tools", e.getMessage(),
                    "Correct pilot.tools.groups, pilot.tools.include or pilot.tools.exclude.");
        }
    }
}
