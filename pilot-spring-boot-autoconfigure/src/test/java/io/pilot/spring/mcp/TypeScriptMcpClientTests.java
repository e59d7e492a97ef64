package io.pilot.spring.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official MCP TypeScript SDK's client ({@code @modelcontextprotocol/sdk}, the version pinned by
 * {@code src/test/mcp-client/package-lock.json}, installed here with {@code npm ci}) run by Node as a process against
 * a gateway serving MCP: {@code client.mjs} lists and calls the tools over streamable HTTP, hears
 * {@code tools/list_changed} when an agent joins, and prints what it saw as JSON lines, asserted here. Skipped only
 * when node or npm is not installed.
 */
class TypeScriptMcpClientTests {

    private static final Path HARNESS = Path.of("src", "test", "mcp-client");
    private static final Path INSTALLED = Path.of("target", "mcp-client");
    private static final JsonMapper json = new JsonMapper();

    @TempDir
    Path dir;

    @Test
    void theTypeScriptSdkClientListsAndCallsToolsAndHearsTheListChange() throws Exception {
        assumeTrue(runs("node", "--version") && runs("npm", "--version"), "node and npm are needed for the TypeScript MCP client");
        install();

        try (McpMesh mesh = new McpMesh(dir)) {
            mesh.agent(McpMesh.PapersApplication.class, "papers");
            ConfigurableApplicationContext gateway = mesh.gateway();
            Process node = new ProcessBuilder("node", "client.mjs", McpMesh.baseUrl(gateway) + "/mcp")
                    .directory(INSTALLED.toFile()).redirectError(dir.resolve("node.err").toFile()).start();
            Map<String, JsonNode> steps = new LinkedHashMap<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    JsonNode step = json.readTree(line);
                    steps.put(step.path("step").asString(), step);
                    if ("ready".equals(step.path("step").asString())) {
                        mesh.agent(McpMesh.FxApplication.class, "fx");
                    }
                }
            } finally {
                if (!node.waitFor(60, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            }
            assertThat(node.exitValue()).as("node's exit; its errors: %s", Files.readString(dir.resolve("node.err"))).isZero();

            assertThat(steps.get("connected").path("server").asString()).isEqualTo("gateway");
            List<String> listed = new ArrayList<>();
            steps.get("tools").path("tools").forEach(tool -> listed.add(tool.path("name").asString()));
            assertThat(listed).containsExactlyInAnyOrder("gateway_greet", "papers_resolve-citation", "papers_search");

            JsonNode resolve = steps.get("resolve");
            assertThat(resolve.path("isError").asBoolean()).isFalse();
            assertThat(resolve.path("structured").path("title").asString()).isEqualTo("A paper about 10.1/ts");
            assertThat(steps.get("search").path("text").asString()).isEqualTo("[\"10.1/typescript-1\",\"10.1/typescript-2\"]");
            assertThat(steps.get("greet").path("text").asString()).isEqualTo("\"hello node\"");

            JsonNode missing = steps.get("missing");
            assertThat(missing.path("isError").asBoolean()).isTrue();
            assertThat(missing.path("text").asString()).startsWith("INVALID_ARGUMENT").contains("doi").contains("required");
            JsonNode unknown = steps.get("unknown");
            assertThat(unknown.path("rpcError").asInt()).isEqualTo(-32602);
            assertThat(unknown.path("message").asString()).contains("Unknown tool");

            List<String> after = new ArrayList<>();
            steps.get("changed").path("tools").forEach(name -> after.add(name.asString()));
            assertThat(after).contains("fx_rate", "papers_search");
            assertThat(steps.get("rate").path("text").asString()).isEqualTo("1.08");
            assertThat(steps).containsKey("done");
        }
    }

    /** {@code npm ci} of the pinned client into target/, unless the same lock file is installed there already. */
    private static void install() throws IOException, InterruptedException {
        Files.createDirectories(INSTALLED);
        Path lock = HARNESS.resolve("package-lock.json");
        Path installedLock = INSTALLED.resolve("package-lock.json");
        boolean current = Files.isDirectory(INSTALLED.resolve("node_modules")) && Files.exists(installedLock)
                && Files.mismatch(lock, installedLock) == -1;
        for (String file : List.of("package.json", "package-lock.json", "client.mjs")) {
            Files.copy(HARNESS.resolve(file), INSTALLED.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!current) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                    .directory(INSTALLED.toFile()).redirectErrorStream(true)
                    .redirectOutput(INSTALLED.resolve("npm-ci.log").toFile()).start();
            assertThat(npm.waitFor(10, TimeUnit.MINUTES)).as("npm ci finished").isTrue();
            assertThat(npm.exitValue()).as("npm ci: %s", Files.readString(INSTALLED.resolve("npm-ci.log"))).isZero();
        }
    }

    private static boolean runs(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().transferTo(OutputStream.nullOutputStream());
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
