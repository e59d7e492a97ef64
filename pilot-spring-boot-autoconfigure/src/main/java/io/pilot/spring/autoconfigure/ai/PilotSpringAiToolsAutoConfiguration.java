package io.pilot.spring.autoconfigure.ai;

import io.pilot.spring.autoconfigure.tools.PilotToolsAutoConfiguration;
import io.pilot.spring.tools.MeshToolCatalog;
import io.pilot.spring.tools.ai.MeshToolCallbackProvider;

import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * When Spring AI is on the class path: the mesh's tools as a {@link ToolCallbackProvider} bean
 * ({@link MeshToolCallbackProvider}), to give a {@code ChatClient} ({@code .defaultToolCallbacks(meshTools)}).
 */
@AutoConfiguration(after = PilotToolsAutoConfiguration.class)
@ConditionalOnClass(ToolCallbackProvider.class)
@ConditionalOnBean(MeshToolCatalog.class)
public final class PilotSpringAiToolsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MeshToolCallbackProvider pilotMeshToolCallbackProvider(MeshToolCatalog catalog) {
        return new MeshToolCallbackProvider(catalog);
    }
}
