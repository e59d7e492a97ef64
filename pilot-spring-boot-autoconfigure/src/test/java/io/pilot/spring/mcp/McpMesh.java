package io.pilot.spring.mcp;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * A small mesh on loopback for the MCP tests: a backbone, agents that provide capabilities (Boot applications without
 * a web server), and a gateway, a web application that serves MCP with its own capability exposed too.
 */
final class McpMesh implements AutoCloseable {

    record CitationQuery(String doi) {
    }

    record Citation(String doi, String title, int year) {
    }

    @PilotAgent(groups = "RESEARCH")
    static class PapersAgent {

        @Capability(value = "papers.resolve-citation", description = "Resolves a DOI to its citation")
        Citation resolve(CitationQuery query) {
            if (!query.doi().startsWith("10.")) {
                throw new IllegalArgumentException("unknown DOI " + query.doi() + ": a DOI starts with 10.");
            }
            return new Citation(query.doi(), "A paper about " + query.doi(), 2017);
        }

        @Capability(value = "papers.search", description = "Finds the DOIs of papers on a topic")
        List<String> search(String topic) {
            return List.of("10.1/" + topic + "-1", "10.1/" + topic + "-2");
        }
    }

    @PilotAgent(groups = "MARKETS")
    static class FxAgent {

        record Pair(String base, String quote) {
        }

        @Capability(value = "fx.rate", description = "The exchange rate of a currency pair")
        double rate(Pair pair) {
            return "EUR".equals(pair.base()) ? 1.08 : 0.92;
        }
    }

    @PilotAgent
    static class GatewayAgent {

        record Greeting(String name, int times) {
        }

        @Capability(value = "gateway.greet", description = "Greets someone, several times")
        String greet(Greeting greeting) {
            return ("hello " + greeting.name() + " ").repeat(greeting.times()).trim();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(PapersAgent.class)
    static class PapersApplication {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(FxAgent.class)
    static class FxApplication {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(GatewayAgent.class)
    static class GatewayApplication {
    }

    private final Path dir;
    private final PilotNode backboneNode;
    private final Backbone backbone;
    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    McpMesh(Path dir) {
        this.dir = dir;
        backboneNode = PilotNode.builder().identityPath(dir.resolve("backbone.key"))
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).answerStun(true).build().start();
        backbone = Backbone.start(backboneNode, BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofMillis(1500)),
                DirectoryStore.none());
    }

    /** Starts an agent (no web server) of {@code application}. */
    ConfigurableApplicationContext agent(Class<?> application, String hostname) {
        return start(new SpringApplicationBuilder(application).web(WebApplicationType.NONE), hostname);
    }

    /** Starts the gateway: a web server on a free port serving MCP at /mcp, its own capability among the tools. */
    ConfigurableApplicationContext gateway(String... properties) {
        return start(new SpringApplicationBuilder(GatewayApplication.class).web(WebApplicationType.SERVLET), "gateway",
                Stream.concat(Stream.of("server.port=0", "server.address=127.0.0.1", "pilot.mcp.enabled=true",
                        "pilot.mcp.own-capabilities=true"), Stream.of(properties)).toArray(String[]::new));
    }

    /** The MCP endpoint's base address of a started gateway. */
    static String baseUrl(ConfigurableApplicationContext gateway) {
        return "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port");
    }

    private ConfigurableApplicationContext start(SpringApplicationBuilder builder, String hostname, String... more) {
        List<String> properties = new ArrayList<>(List.of("spring.main.keep-alive=false", "pilot.hostname=" + hostname,
                "pilot.bind.address=127.0.0.1", "pilot.identity.path=" + dir.resolve(hostname + ".key"),
                "pilot.backbone.address=127.0.0.1:" + backboneNode.localEndpoint().getPort(),
                "pilot.backbone.key=" + backboneNode.publicKey(), "pilot.control.enabled=false"));
        properties.addAll(List.of(more));
        ConfigurableApplicationContext app = builder.properties(properties.toArray(String[]::new)).run();
        apps.add(app);
        return app;
    }

    @Override
    public void close() {
        for (int i = apps.size() - 1; i >= 0; i--) {
            apps.get(i).close();
        }
        backbone.close();
        backboneNode.close();
    }
}
