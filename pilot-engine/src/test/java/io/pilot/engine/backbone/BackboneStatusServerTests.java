package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real backbone with registered agents, its status read over HTTP on loopback. */
class BackboneStatusServerTests {

    @RegisterExtension
    final Mesh mesh = new Mesh();

    private final HttpClient http = HttpClient.newHttpClient();
    private BackboneStatusServer server;

    @BeforeEach
    void startRealm() {
        Backbone backbone = mesh.startBackbone(BackboneSettings.DEFAULTS, DirectoryStore.none());
        mesh.agent("papers", b -> b.group("RESEARCH"));
        mesh.agent("news", b -> b.group("RESEARCH").group("FINANCE"));
        mesh.agent("fx", b -> b.group("FINANCE").group("TRADING"));
        mesh.agent("observer", b -> b);
        backbone.status().sample(); // what the once-a-second timer does
        server = BackboneStatusServer.start(backbone.status(), new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void theJsonNamesTheGroupsWithTheirMemberCountsTheAgentsAndTheJoins() throws Exception {
        HttpResponse<String> response = get("/status.json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode status = JsonMapper.builder().build().readTree(response.body());
        assertThat(status.path("address").asString()).isEqualTo(mesh.backboneNode.address().toString());
        assertThat(status.path("registrations").asInt()).isEqualTo(4);
        assertThat(status.path("groups").toString()).isEqualTo(
                "[{\"name\":\"FINANCE\",\"members\":2},{\"name\":\"RESEARCH\",\"members\":2},{\"name\":\"TRADING\",\"members\":1}]");
        assertThat(status.path("agents").path("direct").asInt()).isEqualTo(4);
        assertThat(status.path("agents").path("tcp").asInt()).isZero();
        assertThat(status.path("totals").path("registrationRequests").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(status.path("recent").findValuesAsString("hostname"))
                .containsExactlyInAnyOrder("papers", "news", "fx", "observer");
        assertThat(status.path("recent").findValuesAsString("kind")).containsOnly("join");
    }

    @Test
    void thePageIsServedAndReadsTheJsonBesideIt() throws Exception {
        HttpResponse<String> response = get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(response.body()).contains("data-status-url=\"status.json\"").contains("<table id=\"groups\"");
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.address().getPort() + "/");
    }

    @Test
    void anUnknownPathIs404AndAnotherMethodThanGet405WithAJsonError() throws Exception {
        HttpResponse<String> unknown = get("/admin");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/status.json"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no such page: /admin");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(post.body()).contains("method POST not allowed");
        assertThat(get("/status.json").statusCode()).as("still serving").isEqualTo(200);
    }

    @Test
    void aTakenAddressIsAClearError() {
        assertThatThrownBy(() -> BackboneStatusServer.start(mesh.backbone.status(), server.address()))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot serve the status page on 127.0.0.1:");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }
}
