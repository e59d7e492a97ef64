package io.pilot.spring.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.spring.tools.MeshTool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

/** The bridge alone, on a real MCP server (its transport never serving): which tools it registers as its sources change. */
class McpToolBridgeTests {

    private static final JsonMapper json = new JsonMapper();
    private static final String OBJECT = "{\"type\":\"object\",\"properties\":{\"doi\":{\"type\":\"string\"}},\"required\":[\"doi\"]}";
    private static final String WRAPPED = "{\"type\":\"object\",\"properties\":{\"input\":{\"type\":\"string\"}},\"required\":[\"input\"]}";

    private final McpSyncServer server = McpServer.sync(HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(new JacksonMcpJsonMapper(json)).build())
            .jsonMapper(new JacksonMcpJsonMapper(json)).capabilities(ServerCapabilities.builder().tools(true).build()).build();

    @AfterEach
    void close() {
        server.close();
    }

    /** A source whose tools the test sets, telling its listeners as the catalog does. */
    static final class Source implements McpToolSource {
        private volatile List<MeshTool> tools;
        private final List<Runnable> listeners = new ArrayList<>();

        Source(MeshTool... tools) {
            this.tools = List.of(tools);
        }

        void set(MeshTool... now) {
            tools = List.of(now);
            listeners.forEach(Runnable::run);
        }

        @Override
        public List<MeshTool> tools() {
            return tools;
        }

        @Override
        public CompletableFuture<String> call(String tool, String arguments) {
            return CompletableFuture.completedFuture("\"" + tool + "\"");
        }

        @Override
        public void onChange(Runnable listener) {
            listeners.add(listener);
        }
    }

    private static MeshTool tool(String capability, String description, String input, String output) {
        return new MeshTool(capability.replace('.', '_'), capability, description, input, output, true, List.of("papers"));
    }

    private McpToolBridge bridge(McpToolSource... sources) {
        return new McpToolBridge(server, List.of(sources), new McpToolResults(json), json);
    }

    @Test
    void registersTheToolsOfItsSourcesAsMcpDescribesThem() {
        Source source = new Source(tool("papers.resolve", "Resolves a DOI", OBJECT, OBJECT),
                tool("papers.search", "", WRAPPED, "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"));
        bridge(source).start();

        assertThat(server.listTools()).extracting(Tool::name).containsExactlyInAnyOrder("papers_resolve", "papers_search");
        Tool resolve = find("papers_resolve");
        assertThat(resolve.title()).isEqualTo("papers.resolve");
        assertThat(resolve.description()).isEqualTo("Resolves a DOI");
        assertThat(resolve.inputSchema()).containsEntry("required", List.of("doi"));
        assertThat(resolve.outputSchema()).containsEntry("type", "object");
        Tool search = find("papers_search");
        assertThat(search.description()).as("no description: the capability's name").isEqualTo("papers.search");
        assertThat(search.outputSchema()).as("structured content must be an object: no output schema for a list").isNull();
    }

    @Test
    void followsItsSourcesAddingRemovingAndReplacingTools() {
        Source source = new Source(tool("papers.resolve", "Resolves a DOI", OBJECT, "{}"));
        bridge(source).start();

        source.set(tool("papers.resolve", "Resolves a DOI", OBJECT, "{}"), tool("fx.rate", "A rate", OBJECT, "{}"));
        assertThat(server.listTools()).extracting(Tool::name).containsExactlyInAnyOrder("papers_resolve", "fx_rate");

        source.set(tool("fx.rate", "The rate of a pair", OBJECT, "{}"));
        assertThat(server.listTools()).extracting(Tool::name).containsExactly("fx_rate");
        assertThat(find("fx_rate").description()).isEqualTo("The rate of a pair");

        source.set();
        assertThat(server.listTools()).isEmpty();
    }

    @Test
    void theFirstSourceWinsAClashOfNames() {
        Source own = new Source(tool("gateway.greet", "mine", OBJECT, "{}"));
        Source mesh = new Source(tool("gateway.greet", "as the directory has it", WRAPPED, "{}"), tool("fx.rate", "A rate", OBJECT, "{}"));
        bridge(own, mesh).start();

        assertThat(server.listTools()).extracting(Tool::name).containsExactlyInAnyOrder("gateway_greet", "fx_rate");
        assertThat(find("gateway_greet").description()).isEqualTo("mine");

        mesh.set(tool("fx.rate", "A rate", OBJECT, "{}"));
        assertThat(find("gateway_greet").description()).as("a change of the other source leaves it").isEqualTo("mine");
    }

    private Tool find(String name) {
        return server.listTools().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }
}
