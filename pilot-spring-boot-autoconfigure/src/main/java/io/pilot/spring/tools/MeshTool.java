package io.pilot.spring.tools;

import java.util.List;
import java.util.Objects;

/**
 * One capability of the mesh as a tool a language model can call.
 *
 * @param name the tool's name ({@link ToolNames#of}: {@code papers_search})
 * @param capability the capability it calls ({@code papers.search})
 * @param description what it does, as its provider describes it (empty if it says nothing)
 * @param inputSchema the JSON Schema of the tool's arguments, always of an object ({@link ToolInput}: a capability that
 *        takes something else takes it as the {@value ToolInput#PROPERTY} property)
 * @param outputSchema the JSON Schema of the capability's reply ({@code {}} if its provider published none)
 * @param published whether the provider published schemas; when not, the input is {@code {"input": anything}}
 * @param providers the agents that provide it now, by hostname, sorted
 */
public record MeshTool(String name, String capability, String description, String inputSchema, String outputSchema,
                       boolean published, List<String> providers) {

    public MeshTool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchema, "inputSchema");
        Objects.requireNonNull(outputSchema, "outputSchema");
        providers = List.copyOf(providers);
    }

    /** Whether {@code other} defines the same tool (name, description, schemas), whoever provides it. */
    public boolean sameDefinition(MeshTool other) {
        return other != null && name.equals(other.name) && capability.equals(other.capability)
                && description.equals(other.description) && inputSchema.equals(other.inputSchema)
                && outputSchema.equals(other.outputSchema) && published == other.published;
    }
}
