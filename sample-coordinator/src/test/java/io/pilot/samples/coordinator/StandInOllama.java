package io.pilot.samples.coordinator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An Ollama server with a script instead of a model, on loopback, speaking Ollama's {@code POST /api/chat}: a user's
 * question is answered by a call of {@code papers_search} for {@code {"query":"attention"}} (as its offered schema
 * says: wrapped in {@code input} for a provider that published none); a tool's result by
 * {@code From the mesh: RESULT}. It keeps every request, so a test can read what Spring AI's Ollama client sent.
 */
final class StandInOllama implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    private StandInOllama(HttpServer server) {
        this.server = server;
    }

    static StandInOllama start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            StandInOllama ollama = new StandInOllama(server);
            server.createContext("/api/chat", ollama::chat);
            server.start();
            return ollama;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<JsonNode> requests() {
        return requests;
    }

    private void chat(HttpExchange exchange) throws IOException {
        JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
        requests.add(request);
        JsonNode messages = request.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        if (last.path("role").asString().equals("tool")) {
            message.put("content", "From the mesh: " + last.path("content").asString());
        } else {
            message.put("content", "");
            ObjectNode function = message.putArray("tool_calls").addObject().putObject("function").put("name", "papers_search");
            ObjectNode arguments = function.putObject("arguments");
            if (takesInput(request, "papers_search")) {
                arguments = arguments.putObject("input"); // a tool whose provider published no schema takes 'input'
            }
            arguments.put("query", "attention");
        }
        ObjectNode reply = JSON.createObjectNode().put("model", request.path("model").asString())
                .put("created_at", "2026-01-01T00:00:00Z").put("done", true).put("done_reason", "stop");
        reply.set("message", message);
        byte[] body = JSON.writeValueAsBytes(reply);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** Whether the request offers {@code tool} with its argument as the property {@code input}, as it reads the schema. */
    private static boolean takesInput(JsonNode request, String tool) {
        for (JsonNode offered : request.path("tools")) {
            if (offered.path("function").path("name").asString().equals(tool)) {
                return offered.path("function").path("parameters").path("properties").has("input");
            }
        }
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    @Override
    public String toString() {
        return "StandInOllama " + baseUrl() + " " + new String(JSON.writeValueAsBytes(requests), StandardCharsets.UTF_8);
    }
}
