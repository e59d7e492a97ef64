package io.pilot.spring.tools;

import io.pilot.engine.schema.CapabilitySchema;

import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One of this application's own capabilities as a tool, defined from its method rather than read from the directory,
 * and named, described and typed exactly as {@link MeshToolCatalog} does a provider's (an MCP server that offers its
 * own capabilities beside the mesh's shows one kind of tool).
 */
public final class LocalTool {

    private final MeshTool tool;
    private final ToolInput input;

    private LocalTool(MeshTool tool, ToolInput input) {
        this.tool = tool;
        this.input = input;
    }

    /**
     * @param capability the capability's name
     * @param description what it does ({@code null} or empty if unsaid)
     * @param schema its schemas
     * @param hostname this application's hostname, its one provider
     */
    public static LocalTool of(String capability, String description, CapabilitySchema schema, String hostname, JsonMapper mapper) {
        ToolInput input = ToolInput.of(Optional.of(schema), mapper);
        MeshTool tool = new MeshTool(ToolNames.of(capability), capability, description == null ? "" : description,
                mapper.writeValueAsString(input.schema()), schema.output(), true, List.of(hostname));
        return new LocalTool(tool, input);
    }

    public MeshTool tool() {
        return tool;
    }

    /**
     * The capability's argument from the tool's arguments, unwrapped as the catalog unwraps it, and checked against
     * the capability's input schema.
     *
     * @throws IllegalArgumentException saying what is wrong with them
     */
    public JsonNode argument(JsonNode arguments) {
        return input.argument(arguments);
    }
}
