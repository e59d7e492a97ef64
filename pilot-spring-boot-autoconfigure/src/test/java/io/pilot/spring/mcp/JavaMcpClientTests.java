package io.pilot.spring.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The MCP Java SDK's own client, over streamable HTTP, against a gateway application serving MCP: it lists the mesh's
 * tools and the gateway's own, calls one that crosses the mesh to a real agent and one served in the gateway, hears
 * {@code tools/list_changed} when an agent joins and when it leaves, and gets MCP errors (not stack traces) for an
 * unknown tool (a JSON-RPC error) and for arguments that break a tool's schema (a tool error naming field and rule).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one mesh and one client for all: each test leaves the mesh as it found it
class JavaMcpClientTests {

    private McpMesh mesh;
    private McpSyncClient client;
    private String endpoint;
    private final List<List<Tool>> announced = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) {
        mesh = new McpMesh(dir);
        mesh.agent(McpMesh.PapersApplication.class, "papers");
        ConfigurableApplicationContext gateway = mesh.gateway();
        endpoint = McpMesh.baseUrl(gateway) + "/mcp";
        client = McpClient.sync(HttpClientStreamableHttpTransport.builder(McpMesh.baseUrl(gateway)).endpoint("/mcp").build())
                .requestTimeout(Duration.ofSeconds(20)).toolsChangeConsumer(announced::add).build();
        client.initialize();
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.closeGracefully();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void listsTheMeshsToolsAndTheGatewaysOwnWithTheirSchemas() {
        await().atMost(Duration.ofSeconds(20)).until(() -> names(client.listTools().tools()).contains("papers_resolve-citation"));
        List<Tool> tools = client.listTools().tools();
        assertThat(names(tools)).containsExactlyInAnyOrder("gateway_greet", "papers_resolve-citation", "papers_search");

        Tool resolve = tool(tools, "papers_resolve-citation");
        assertThat(resolve.description()).isEqualTo("Resolves a DOI to its citation");
        assertThat(resolve.inputSchema()).containsEntry("type", "object");
        assertThat(resolve.inputSchema().get("properties")).asInstanceOf(InstanceOfAssertFactories.MAP).containsKey("doi");
        assertThat(resolve.outputSchema()).containsEntry("type", "object");

        // a capability taking a string takes it as the "input" property of the tool's object
        Tool search = tool(tools, "papers_search");
        assertThat(search.inputSchema().get("required")).isEqualTo(List.of("input"));
        assertThat(search.outputSchema()).isNull();

        assertThat(tool(tools, "gateway_greet").description()).isEqualTo("Greets someone, several times");
    }

    @Test
    void callsAToolThatCrossesTheMeshToARealAgent() {
        awaitTool("papers_resolve-citation");

        CallToolResult resolved = client.callTool(new CallToolRequest("papers_resolve-citation", Map.of("doi", "10.1/mesh")));
        assertThat(resolved.isError()).isFalse();
        assertThat(resolved.structuredContent()).isEqualTo(Map.of("doi", "10.1/mesh", "title", "A paper about 10.1/mesh",
                "year", 2017));
        assertThat(text(resolved)).contains("\"title\":\"A paper about 10.1/mesh\"");

        CallToolResult found = client.callTool(new CallToolRequest("papers_search", Map.of("input", "noise")));
        assertThat(found.isError()).isFalse();
        assertThat(text(found)).isEqualTo("[\"10.1/noise-1\",\"10.1/noise-2\"]");
    }

    @Test
    void callsTheGatewaysOwnCapabilityThroughItsDispatcher() {
        awaitTool("gateway_greet");

        CallToolResult greeted = client.callTool(new CallToolRequest("gateway_greet", Map.of("name", "ada", "times", 2)));
        assertThat(greeted.isError()).isFalse();
        assertThat(text(greeted)).isEqualTo("\"hello ada hello ada\"");

        CallToolResult invalid = client.callTool(new CallToolRequest("gateway_greet", Map.of("name", "ada", "times", "twice")));
        assertThat(invalid.isError()).isTrue();
        assertThat(text(invalid)).startsWith("INVALID_ARGUMENT").contains("times").contains("type");
    }

    @Test
    void anUnknownToolIsAJsonRpcErrorAndBadArgumentsAreToolErrorsNamingTheField() {
        awaitTool("papers_resolve-citation");

        assertThatThrownBy(() -> client.callTool(new CallToolRequest("papers_nothing", Map.of())))
                .isInstanceOfSatisfying(McpError.class, error -> {
                    assertThat(error.getJsonRpcError().code()).isEqualTo(-32602);
                    assertThat(error.getJsonRpcError().message()).startsWith("Unknown tool");
                });

        CallToolResult missing = client.callTool(new CallToolRequest("papers_resolve-citation", Map.of()));
        assertThat(missing.isError()).isTrue();
        assertThat(text(missing)).startsWith("INVALID_ARGUMENT").contains("doi").contains("required");

        CallToolResult wrongType = client.callTool(new CallToolRequest("papers_resolve-citation", Map.of("doi", 42)));
        assertThat(wrongType.isError()).isTrue();
        assertThat(text(wrongType)).startsWith("INVALID_ARGUMENT").contains("doi").contains("type");

        // valid by the schema, refused by the provider's method: its typed error, in its words
        CallToolResult refused = client.callTool(new CallToolRequest("papers_resolve-citation", Map.of("doi", "isbn:1")));
        assertThat(refused.isError()).isTrue();
        assertThat(text(refused)).startsWith("INVALID_ARGUMENT").contains("unknown DOI isbn:1");
        assertThat(text(refused)).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void theToolListFollowsAgentsAsTheyJoinAndLeave() {
        awaitTool("papers_resolve-citation");
        assertThat(names(client.listTools().tools())).doesNotContain("fx_rate");

        ConfigurableApplicationContext fx = mesh.agent(McpMesh.FxApplication.class, "fx");
        await().atMost(Duration.ofSeconds(20)).until(() -> announced.stream().anyMatch(tools -> names(tools).contains("fx_rate")));
        assertThat(names(client.listTools().tools())).contains("fx_rate");
        CallToolResult rate = client.callTool(new CallToolRequest("fx_rate", Map.of("base", "EUR", "quote", "USD")));
        assertThat(text(rate)).isEqualTo("1.08");

        int heard = announced.size();
        fx.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> announced.size() > heard
                && !names(announced.get(announced.size() - 1)).contains("fx_rate"));
        assertThat(names(client.listTools().tools())).doesNotContain("fx_rate").contains("papers_search");
    }

    @Test
    void aBrowserPageOfAnotherOriginIsRefusedAndOneOnThisMachineIsNot() throws Exception {
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"page\",\"version\":\"1\"}}}";
        HttpClient http = HttpClient.newHttpClient();
        for (String origin : List.of("http://evil.example", "http://localhost:6274")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint)).header("Origin", origin)
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(initialize)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(origin).isEqualTo(origin.contains("evil") ? 403 : 200);
        }
    }

    private void awaitTool(String name) {
        await().atMost(Duration.ofSeconds(20)).until(() -> names(client.listTools().tools()).contains(name));
    }

    private static List<String> names(List<Tool> tools) {
        return tools.stream().map(Tool::name).toList();
    }

    private static Tool tool(List<Tool> tools, String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static String text(CallToolResult result) {
        assertThat(result.content()).singleElement().isInstanceOf(TextContent.class);
        return ((TextContent) result.content().get(0)).text();
    }
}
