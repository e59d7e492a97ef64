package io.pilot.spring.tools.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.autoconfigure.ai.PilotSpringAiToolsAutoConfiguration;
import io.pilot.spring.autoconfigure.tools.PilotToolsAutoConfiguration;
import io.pilot.spring.runtime.PilotRuntime;
import io.pilot.spring.tools.MeshToolCatalog;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A ChatClient with a scripted model and the mesh's tools, in an agent of its own; the specialists are processes of
 * their own (as a user runs them), on loopback: the model asks for a tool, the call crosses the mesh to the specialist's
 * process, the result comes back to the model, which answers.
 */
class SpringAiMeshToolsTests {

    @TempDir
    Path dir;

    private final JsonMapper json = new JsonMapper();

    @Test
    void aChatClientCallsSpecialistsInOtherProcessesThroughTheMeshsTools() throws Exception {
        int backbonePort = freePort();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class,
                        PilotToolsAutoConfiguration.class, PilotSpringAiToolsAutoConfiguration.class))
                .withPropertyValues("pilot.hostname=assistant", "pilot.bind.address=127.0.0.1",
                        "pilot.backbone.address=127.0.0.1:" + backbonePort, "pilot.backbone.embedded=true",
                        "pilot.backbone.identity=" + dir.resolve("bb.key"), "pilot.identity.path=" + dir.resolve("assistant.key"),
                        "pilot.request-timeout=10s")
                .run(assistant -> {
                    assertThat(assistant).hasNotFailed();
                    ToolCallbackProvider meshTools = assistant.getBean(ToolCallbackProvider.class);
                    MeshToolCatalog catalog = assistant.getBean(MeshToolCatalog.class);
                    String backboneKey = assistant.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    List<String> common = List.of("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort,
                            "pilot.backbone.key=" + backboneKey);
                    ScriptedChatModel model = new ScriptedChatModel();
                    ChatClient chat = ChatClient.builder(model).defaultToolCallbacks(meshTools).build();

                    try (SpecialistProcess papers = SpecialistProcess.start("papers", with(common,
                            "pilot.hostname=papers", "pilot.identity.path=" + dir.resolve("papers.key")))) {
                        await().atMost(Duration.ofSeconds(30)).until(() -> catalog.tool("papers_search").isPresent());

                        String answer = chat.prompt().user("use papers_search {\"query\":\"attention\"}").call().content();
                        assertThat(answer).startsWith("papers_search said: ");
                        JsonNode result = json.readTree(answer.substring("papers_search said: ".length()));
                        assertThat(result.path("papers").get(0).path("title").asString()).isEqualTo("Attention is all you need");
                        assertThat(result.path("servedByPid").asLong()).isEqualTo(papers.pid()).isNotEqualTo(ProcessHandle.current().pid());
                        assertThat(model.offered().get("papers_search").description())
                                .isEqualTo("papers whose title holds every word of the query");
                        assertThat(json.readTree(model.offered().get("papers_search").inputSchema()).path("properties").has("query")).isTrue();
                        assertThat(model.offered()).doesNotContainKey("fx_rate");

                        // A refusal is a result the model reads, and the loop goes on to its answer.
                        assertThat(chat.prompt().user("use papers_search {\"query\":\" \"}").call().content())
                                .startsWith("papers_search said: ").contains("INVALID_ARGUMENT").contains("the query is blank");
                        assertThat(chat.prompt().user("use papers_search {\"limit\":2}").call().content())
                                .contains("INVALID_ARGUMENT").contains("'query'").contains("required");
                        assertThat(chat.prompt().user("use fx_rate {\"base\":\"EUR\",\"quote\":\"USD\"}").call().content())
                                .isEqualTo("no tool fx_rate");

                        // A specialist that joins later is a tool at the next request.
                        try (SpecialistProcess fx = SpecialistProcess.start("fx", with(common,
                                "pilot.hostname=fx", "pilot.identity.path=" + dir.resolve("fx.key")))) {
                            await().atMost(Duration.ofSeconds(30)).until(() -> catalog.tool("fx_rate").isPresent());
                            String rate = chat.prompt().user("use fx_rate {\"base\":\"EUR\",\"quote\":\"USD\"}").call().content();
                            assertThat(rate).startsWith("fx_rate said: ");
                            JsonNode reply = json.readTree(rate.substring("fx_rate said: ".length()));
                            assertThat(reply.path("rate").asDouble()).isEqualTo(1.0842);
                            assertThat(reply.path("servedByPid").asLong()).isEqualTo(fx.pid());
                        }
                        // ... and one that left is not.
                        await().atMost(Duration.ofSeconds(30)).until(() -> catalog.tool("fx_rate").isEmpty());
                        assertThat(chat.prompt().user("use fx_rate {\"base\":\"EUR\",\"quote\":\"USD\"}").call().content())
                                .isEqualTo("no tool fx_rate");
                    }
                });
    }

    @Test
    void withoutTheCatalogThereIsNoToolProvider() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class,
                        PilotToolsAutoConfiguration.class, PilotSpringAiToolsAutoConfiguration.class))
                .withPropertyValues("pilot.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ToolCallbackProvider.class));
    }

    private static List<String> with(List<String> common, String... more) {
        return Stream.concat(common.stream(), Arrays.stream(more)).toList();
    }

    private static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }
}
