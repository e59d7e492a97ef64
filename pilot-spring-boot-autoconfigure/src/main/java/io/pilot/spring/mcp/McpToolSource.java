package io.pilot.spring.mcp;

import io.pilot.spring.tools.MeshTool;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Tools the MCP server offers, and how to call them: the mesh's ({@link MeshCatalogTools}) or the application's own
 * capabilities ({@link OwnCapabilityTools}). Tools are described as the catalog describes them, so both kinds look
 * alike to a client: named by {@code ToolNames}, with an input schema of an object.
 */
public interface McpToolSource {

    /** The tools offered now. */
    List<MeshTool> tools();

    /**
     * Calls a tool.
     *
     * @param tool the tool's name
     * @param arguments its arguments, a JSON object
     * @return the capability's JSON reply, or null when it answers nothing; fails with a
     *         {@link io.pilot.spring.tools.MeshToolException} saying what went wrong and its code
     */
    CompletableFuture<String> call(String tool, String arguments);

    /** Runs {@code listener} after each change of {@link #tools()}. */
    void onChange(Runnable listener);
}
