package io.pilot.spring.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A gateway serving MCP stops while a client is connected (its listening stream open for notifications): the web
 * server's graceful shutdown completes instead of waiting out its timeout for that stream, which never ends by itself,
 * and is aborted with the stream still open (what happened before the gateway closed its MCP sessions first).
 */
@ExtendWith(OutputCaptureExtension.class)
class McpGracefulShutdownTests {

    @Test
    void aGatewayWithAConnectedClientShutsDownGracefullyToTheEnd(@TempDir Path dir, CapturedOutput output) {
        try (McpMesh mesh = new McpMesh(dir)) {
            ConfigurableApplicationContext gateway = mesh.gateway();
            McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(McpMesh.baseUrl(gateway))
                    .endpoint("/mcp").build()).requestTimeout(Duration.ofSeconds(20)).build();
            try {
                client.initialize();
                assertThat(client.listTools().tools()).extracting("name").contains("gateway_greet");

                gateway.close();

                assertThat(output.getOut()).contains("Graceful shutdown complete")
                        .doesNotContain("Graceful shutdown aborted");
                assertThatThrownBy(client::listTools).as("the gateway is gone").isInstanceOf(RuntimeException.class);
            } finally {
                client.close();
            }
        }
    }
}
