package io.pilot.spring.tools.ai;

import io.pilot.spring.tools.MeshTool;
import io.pilot.spring.tools.MeshToolCatalog;
import io.pilot.spring.tools.MeshToolException;

import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.DefaultToolDefinition;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolExecutionException;

/**
 * One tool of a {@link MeshToolCatalog} as a Spring AI {@link ToolCallback}: its definition from the directory, a call
 * by anycast. A failed call is thrown as Spring AI's {@link ToolExecutionException}, as its conventions want: its
 * tool-execution exception processor then gives the model the failure's message (the {@code ErrorCode} and the
 * provider's words, e.g. {@code INVALID_ARGUMENT from 'papers_search': 'query' is required}) as the tool's result,
 * so the model can correct itself, unless {@code spring.ai.tools.throw-exception-on-error} says to throw.
 */
public final class MeshToolCallback implements ToolCallback {

    private final MeshToolCatalog catalog;
    private final ToolDefinition definition;

    public MeshToolCallback(MeshToolCatalog catalog, MeshTool tool) {
        this.catalog = catalog;
        String description = tool.description().isEmpty()
                ? "Calls the capability '" + tool.capability() + "' of an agent of the mesh."
                : tool.description();
        this.definition = new DefaultToolDefinition(tool.name(), description, tool.inputSchema());
    }

    @Override
    public ToolDefinition getToolDefinition() {
        return definition;
    }

    /** The capability's JSON reply ({@code null} for one that answers nothing). */
    @Override
    public String call(String toolInput) {
        try {
            String reply = catalog.call(definition.name(), toolInput);
            return reply == null ? "null" : reply;
        } catch (MeshToolException e) {
            throw new ToolExecutionException(definition, e);
        }
    }
}
