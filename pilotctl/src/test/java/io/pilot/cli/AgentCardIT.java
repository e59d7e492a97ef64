package io.pilot.cli;

import io.pilot.cardagent.CardAgentApp;

import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pilotctl skills} and {@code pilotctl card} as an operator runs them: the real bin/pilotctl against a
 * backbone and a daemon it started, and a Spring Boot web agent running as a process of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentCardIT {

    private Cli cli;
    private Cli.Background papers;
    private String web;

    @BeforeAll
    void start() throws Exception {
        cli = new Cli(Cli.newHome());
        Cli.Result backbone = cli.run("--json", "backbone", "start", "--bind", "127.0.0.1:0");
        assertThat(backbone.status()).as(backbone.toString()).isZero();
        String endpoint = backbone.json().path("data").path("endpoint").asString();
        String key = backbone.json().path("data").path("key").asString();
        Cli.Result caller = cli.run("daemon", "start", "--hostname", "caller");
        assertThat(caller.status()).as(caller.toString()).isZero();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        web = "http://127.0.0.1:" + port;
        papers = cli.spawnCommand(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.io.pilot.spring=info", CardAgentApp.class.getName(),
                "--spring.main.banner-mode=off", "--spring.main.web-application-type=servlet",
                "--server.address=127.0.0.1", "--server.port=" + port, "--pilot.a2a.version=1.2.0",
                "--pilot.hostname=papers", "--pilot.bind.address=127.0.0.1",
                "--pilot.backbone.address=" + endpoint, "--pilot.backbone.key=" + key, "--pilot.control.enabled=false",
                "--pilot.identity.path=" + cli.home().resolve("papers.key")));
        papers.awaitLine(line -> line.contains("Pilot agent 'papers' is"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            papers.close();
            cli.run("--node", "caller", "daemon", "stop");
            cli.run("backbone", "stop");
        } finally {
            cli.deleteHome();
        }
    }

    @Test
    void skillsFindsProvidersByNameOrGlobWithTheirDescriptions() {
        Cli.Result glob = cli.run("--node", "caller", "skills", "papers.*");
        assertThat(glob.status()).as(glob.toString()).isZero();
        assertThat(glob.out().lines().toList()).hasSize(2).satisfiesExactly(
                line -> assertThat(line).startsWith("papers.search").contains("papers ").endsWith("Finds papers on a topic"),
                line -> assertThat(line).startsWith("papers.summarize").endsWith("Summarizes a paper's abstract"));

        Cli.Result json = cli.run("--json", "--node", "caller", "skills", "*.search", "--about", "TOPIC");
        assertThat(json.status()).as(json.toString()).isZero();
        assertThat(json.json().path("status").asString()).isEqualTo("ok");
        assertThat(json.json().path("data").path("skills")).singleElement().satisfies(skill -> {
            assertThat(skill.path("skill").asString()).isEqualTo("papers.search");
            assertThat(skill.path("hostname").asString()).isEqualTo("papers");
            assertThat(skill.path("schema").asBoolean()).isTrue();
        });

        Cli.Result none = cli.run("--node", "caller", "skills", "weather.*");
        assertThat(none.status()).isZero();
        assertThat(none.out()).isEqualTo("(none)\n");
    }

    @Test
    void anInvalidSkillPatternIsBadUsage() {
        Cli.Result bad = cli.run("--node", "caller", "skills", "Papers.[a-z]+");
        assertThat(bad.status()).as(bad.toString()).isEqualTo(PilotCtl.USAGE);
        assertThat(bad.err()).startsWith("✗ invalid skill pattern 'Papers.[a-z]+'");

        Cli.Result json = cli.run("--json", "--node", "caller", "skills", "Papers.[a-z]+");
        assertThat(json.status()).isEqualTo(PilotCtl.USAGE);
        assertThat(json.json().path("code").asString()).isEqualTo("BAD_REQUEST");
    }

    @Test
    void cardFetchesTheAgentsCardAndVerifiesItWithTheKeyInTheDirectory() {
        Cli.Result human = cli.run("--node", "caller", "card", web);
        assertThat(human.status()).as(human.toString()).isZero();
        assertThat(human.out()).startsWith("✓ papers 1.2.0: the card of papers (")
                .contains("), signed with its key in the directory\n")
                .contains("skills:\n  papers.search").contains("Summarizes a paper's abstract");

        Cli.Result json = cli.run("--json", "--node", "caller", "card", web + "/.well-known/agent-card.json");
        assertThat(json.status()).as(json.toString()).isZero();
        JsonNode data = json.json().path("data");
        assertThat(data.path("verified").asBoolean()).isTrue();
        assertThat(data.path("hostname").asString()).isEqualTo("papers");
        assertThat(data.path("card").path("skills").get(0).path("id").asString()).isEqualTo("papers.search");
    }

    @Test
    void aTamperedCardIsRefusedWithTheReasonAndJunkIsBadUsage() throws Exception {
        String genuine = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(web
                + "/.well-known/agent-card.json")).build(), HttpResponse.BodyHandlers.ofString()).body();
        byte[] tampered = genuine.replace("Finds papers on a topic", "Finds papers and your passwords")
                .getBytes(StandardCharsets.UTF_8);
        HttpServer forger = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        forger.createContext("/.well-known/agent-card.json", exchange -> {
            exchange.sendResponseHeaders(200, tampered.length);
            exchange.getResponseBody().write(tampered);
            exchange.close();
        });
        forger.start();
        try {
            Cli.Result refused = cli.run("--node", "caller", "card", "http://127.0.0.1:" + forger.getAddress().getPort());
            assertThat(refused.status()).as(refused.toString()).isEqualTo(PilotCtl.NODE_ERROR);
            assertThat(refused.err()).startsWith("✗ the signature does not match the card");

            Cli.Result json = cli.run("--json", "--node", "caller", "card", "http://127.0.0.1:" + forger.getAddress().getPort());
            assertThat(json.json().path("code").asString()).isEqualTo("CARD_REFUSED");
        } finally {
            forger.stop(0);
        }

        Cli.Result notAUrl = cli.run("--node", "caller", "card", "papers");
        assertThat(notAUrl.status()).isEqualTo(PilotCtl.USAGE);
        assertThat(notAUrl.err()).startsWith("✗ 'papers' is not an http(s) URL");

        Cli.Result nothing = cli.run("--node", "caller", "card", web + "/nothing");
        assertThat(nothing.status()).isEqualTo(PilotCtl.NODE_ERROR);
        assertThat(nothing.err()).contains("answered HTTP 404, not a card");
    }
}
