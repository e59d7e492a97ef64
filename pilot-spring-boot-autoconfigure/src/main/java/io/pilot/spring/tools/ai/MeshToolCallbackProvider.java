package io.pilot.spring.tools.ai;

import io.pilot.spring.tools.MeshToolCatalog;

import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;

/**
 * The tools of a {@link MeshToolCatalog} as Spring AI tool callbacks, read from the catalog at each call of
 * {@link #getToolCallbacks()}: a {@code ChatClient} given this provider offers the model the mesh's tools as they are
 * at each request, so an agent that joined meanwhile is a tool, one that left is not. Before the agent runs (Spring
 * AI's own configuration reads every provider while the context starts) there are none.
 */
public final class MeshToolCallbackProvider implements ToolCallbackProvider {

    private final MeshToolCatalog catalog;

    public MeshToolCallbackProvider(MeshToolCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public ToolCallback[] getToolCallbacks() {
        try {
            return catalog.tools().stream().map(tool -> new MeshToolCallback(catalog, tool)).toArray(ToolCallback[]::new);
        } catch (IllegalStateException notRunning) {
            return new ToolCallback[0];
        }
    }
}
