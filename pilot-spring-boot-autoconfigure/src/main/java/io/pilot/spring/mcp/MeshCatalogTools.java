package io.pilot.spring.mcp;

import io.pilot.spring.tools.MeshTool;
import io.pilot.spring.tools.MeshToolCatalog;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The mesh's capabilities as the {@link MeshToolCatalog} offers them ({@code pilot.tools.*} selects which). */
public final class MeshCatalogTools implements McpToolSource {

    private final MeshToolCatalog catalog;

    public MeshCatalogTools(MeshToolCatalog catalog) {
        this.catalog = catalog;
    }

    /** The catalog's tools; none while the agent is not running. */
    @Override
    public List<MeshTool> tools() {
        try {
            return catalog.tools();
        } catch (IllegalStateException notRunning) {
            return List.of();
        }
    }

    @Override
    public CompletableFuture<String> call(String tool, String arguments) {
        return catalog.callAsync(tool, arguments);
    }

    @Override
    public void onChange(Runnable listener) {
        catalog.addListener(tools -> listener.run());
    }
}
