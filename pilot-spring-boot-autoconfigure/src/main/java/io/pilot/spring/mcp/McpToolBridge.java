package io.pilot.spring.mcp;

import io.pilot.spring.tools.MeshTool;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the MCP server's tools those its sources offer: on {@link #refresh()} (at start and after each change of a
 * source) a tool gone is removed, a new one added, a changed one replaced, each of which the SDK announces to the
 * connected clients with {@code notifications/tools/list_changed}. When two sources offer a tool of the same name,
 * the first source's stands (the application's own capabilities are listed before the mesh's, of which this
 * application may itself be a provider).
 */
public final class McpToolBridge {

    private static final Logger log = LoggerFactory.getLogger(McpToolBridge.class);

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final McpSyncServer server;
    private final List<McpToolSource> sources;
    private final McpToolResults results;
    private final JsonMapper json;
    private final Map<String, MeshTool> served = new HashMap<>();

    /**
     * @param sources the sources, first to last in precedence
     * @param json the mapper of MCP's own JSON (schemas, arguments)
     */
    public McpToolBridge(McpSyncServer server, List<McpToolSource> sources, McpToolResults results, JsonMapper json) {
        this.server = server;
        this.sources = List.copyOf(sources);
        this.results = results;
        this.json = json;
    }

    /** Follows the sources from now on, starting with what they offer now. */
    public void start() {
        sources.forEach(source -> source.onChange(this::refresh));
        refresh();
    }

    /** Makes the server's tools those the sources offer now. */
    public synchronized void refresh() {
        Map<String, Offer> offered = new LinkedHashMap<>();
        for (McpToolSource source : sources) {
            for (MeshTool tool : source.tools()) {
                offered.putIfAbsent(tool.name(), new Offer(tool, source));
            }
        }
        for (String name : List.copyOf(served.keySet())) {
            Offer offer = offered.get(name);
            if (offer == null || !offer.tool().sameDefinition(served.get(name))) {
                server.removeTool(name);
                served.remove(name);
                log.debug("MCP tool '{}' removed", name);
            }
        }
        offered.forEach((name, offer) -> {
            if (!served.containsKey(name)) {
                server.addTool(new SyncToolSpecification(definition(offer.tool()),
                        (exchange, request) -> call(offer, request)));
                served.put(name, offer.tool());
                log.debug("MCP tool '{}' added (capability '{}')", name, offer.tool().capability());
            }
        });
    }

    private CallToolResult call(Offer offer, CallToolRequest request) {
        String name = offer.tool().name();
        try {
            String arguments = json.writeValueAsString(request.arguments() == null ? Map.of() : request.arguments());
            return results.reply(offer.source().call(name, arguments).join());
        } catch (RuntimeException e) {
            return results.failure(name, e);
        }
    }

    /**
     * The tool as MCP describes it: its input schema always an object's; an output schema only when the reply is an
     * object, since MCP's structured content (which a declared output schema makes required) must be one.
     */
    private Tool definition(MeshTool tool) {
        Tool.Builder definition = Tool.builder(tool.name()).title(tool.capability())
                .description(tool.description().isEmpty() ? tool.capability() : tool.description())
                .inputSchema(json.readValue(tool.inputSchema(), OBJECT));
        JsonNode output = json.readTree(tool.outputSchema());
        if ("object".equals(output.path("type").asString(null))) {
            definition.outputSchema(json.convertValue(output, OBJECT));
        }
        return definition.build();
    }

    private record Offer(MeshTool tool, McpToolSource source) {
    }
}
