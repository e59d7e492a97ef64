package io.pilot.samples.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.spring.test.EmbeddedPilotBackbone;
import io.pilot.spring.test.PilotStubs;
import io.pilot.spring.tools.MeshToolCatalog;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ask mode with a language model: a scripted {@link ChatModel} stands in for a real one (no network model), behind
 * the ChatClient the coordinator builds; it calls the mesh's tools, which reach the stub specialists over the mesh.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"pilot.hostname=coordinator",
        "pilot.control.enabled=false", "management.tracing.sampling.probability=0"})
@EmbeddedPilotBackbone
class AskWithModelTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    @Autowired
    PilotStubs stubs;

    @Autowired
    AskService ask;

    @Autowired
    MeshToolCatalog catalog;

    /**
     * A model with a script: a question naming a currency in capitals asks {@code fx_rate} for it, any other asks
     * {@code papers_search} for the question; a tool's result is answered as {@code From the mesh: RESULT}.
     */
    @TestConfiguration
    static class ScriptedModel {
        @Bean
        ChatModel scriptedChatModel() {
            return new ChatModel() {
                @Override
                public ChatOptions getOptions() {
                    return ToolCallingChatOptions.builder().build();
                }

                @Override
                public ChatResponse call(Prompt prompt) {
                    List<Message> messages = prompt.getInstructions();
                    Message last = messages.get(messages.size() - 1);
                    if (last instanceof ToolResponseMessage results) {
                        return reply(AssistantMessage.builder()
                                .content("From the mesh: " + results.getResponses().get(0).responseData()).build());
                    }
                    String question = last.getText();
                    List<ToolCallback> offered = ((ToolCallingChatOptions) prompt.getOptions()).getToolCallbacks();
                    String tool = question.matches(".*\\b[A-Z]{3}\\b.*") ? "fx_rate" : "papers_search";
                    ToolCallback chosen = offered.stream().filter(t -> t.getToolDefinition().name().equals(tool)).findFirst()
                            .orElse(null);
                    if (chosen == null) {
                        return reply(new AssistantMessage("I have no tool " + tool));
                    }
                    String arguments = tool.equals("fx_rate")
                            ? "{\"base\":\"EUR\",\"quote\":\"" + question.replaceAll(".*\\b([A-Z]{3})\\b.*", "$1") + "\"}"
                            : "{\"query\":" + JSON.writeValueAsString(question) + "}";
                    if (JSON.readTree(chosen.getToolDefinition().inputSchema()).path("properties").has("input")) {
                        arguments = "{\"input\":" + arguments + "}"; // a stub publishes no schema: its tool takes 'input'
                    }
                    return reply(AssistantMessage.builder().content("")
                            .toolCalls(List.of(new AssistantMessage.ToolCall("call-1", "function", tool, arguments))).build());
                }
            };
        }

        private static ChatResponse reply(AssistantMessage message) {
            return new ChatResponse(List.of(new Generation(message)));
        }
    }

    @BeforeEach
    void startSpecialists() {
        stubs.stub("papers.search", query -> Map.of("query", query.path("query").asString(), "total", 1,
                "results", List.of(Map.of("doi", "10.48550/arXiv.1706.03762", "title", "Attention Is All You Need",
                        "year", 2017, "citedBy", 3))));
        stubs.stub("fx.rate", query -> {
            if (!query.path("quote").asString().equals("USD")) {
                throw new IllegalArgumentException("unknown currency " + query.path("quote").asString());
            }
            return Map.of("base", "EUR", "quote", "USD", "date", "2024-03-15", "rate", 1.0876);
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> catalog.tool("papers_search").isPresent()
                && catalog.tool("fx_rate").isPresent());
    }

    @Test
    void theModelCallsTheSpecialistsThroughTheMeshsToolsAndAnswers() throws Exception {
        assertThat(ask.mode()).isEqualTo("model");
        JsonNode answer = ok(ask("Which paper introduced attention?"));
        assertThat(answer.path("mode").asString()).isEqualTo("model");
        assertThat(answer.path("answer").asString()).startsWith("From the mesh: ").contains("Attention Is All You Need");
        JsonNode step = answer.path("steps").get(0);
        assertThat(step.path("tool").asString()).isEqualTo("papers_search");
        assertThat(step.path("arguments").asString()).contains("Which paper introduced attention?");
        assertThat(JSON.readTree(step.path("result").asString()).path("total").asInt()).isEqualTo(1);

        assertThat(ok(ask("The rate in USD?")).path("answer").asString()).contains("1.0876");
    }

    @Test
    void aSpecialistsRefusalReachesTheModelAsAResultAndTheAnswerSaysIt() throws Exception {
        JsonNode answer = ok(ask("The rate in XXX?"));
        assertThat(answer.path("answer").asString()).startsWith("From the mesh: ").contains("INVALID_ARGUMENT")
                .contains("unknown currency XXX");
        assertThat(answer.path("steps").get(0).path("error").asString()).contains("INVALID_ARGUMENT").contains("unknown currency XXX");
        assertThat(answer.path("steps").get(0).path("result").isNull()).isTrue();
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> ask(String question) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/ask?q="
                        + URLEncoder.encode(question, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
