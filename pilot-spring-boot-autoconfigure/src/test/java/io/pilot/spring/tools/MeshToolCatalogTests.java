package io.pilot.spring.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotCapabilityException;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.autoconfigure.tools.PilotToolsAutoConfiguration;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The catalog in an agent of its own, following real agents on loopback (a backbone embedded in the first). */
class MeshToolCatalogTests {

    @TempDir
    Path dir;

    private final JsonMapper json = new JsonMapper();

    record Paper(String title, int year) {
    }

    record PaperSearch(String query, List<Paper> papers) {
    }

    record Pair(String base, String quote) {
    }

    @PilotAgent(groups = "RESEARCH")
    static class PapersAgent {
        @Capability(value = "papers.search", description = "papers whose title holds the query")
        PaperSearch search(String query, @Nullable Integer limit) {
            if (query.isBlank()) {
                throw PilotCapabilityException.invalidArgument("the query is blank");
            }
            return new PaperSearch(query, List.of(new Paper("On " + query, 2017)).subList(0, limit == null ? 1 : Math.min(1, limit)));
        }

        @Capability(value = "text.upper", description = "the text in capitals")
        String upper(String text) {
            return text.toUpperCase();
        }

        @Capability("papers.internal")
        void internal(String note) {
        }
    }

    @PilotAgent(groups = "FINANCE")
    static class FxAgent {
        @Capability(value = "fx.rate", description = "the rate of a currency pair")
        double rate(Pair pair) {
            return 1.25;
        }
    }

    @Test
    void offersTheSelectedCapabilitiesAsToolsAndCallsThemAcrossTheMesh() throws Exception {
        int backbonePort = freePort();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class,
                        PilotToolsAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort,
                        "pilot.request-timeout=5s");
        base.withPropertyValues("pilot.hostname=papers", "pilot.identity.path=" + dir.resolve("papers.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(PapersAgent.class)
                .run(papers -> {
                    assertThat(papers).hasNotFailed();
                    String backboneKey = papers.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    ApplicationContextRunner peer = base.withPropertyValues("pilot.backbone.key=" + backboneKey);
                    peer.withPropertyValues("pilot.hostname=assistant", "pilot.identity.path=" + dir.resolve("assistant.key"),
                                    "pilot.tools.exclude=*.internal")
                            .run(assistant -> {
                                assertThat(assistant).hasNotFailed();
                                exercise(assistant.getBean(MeshToolCatalog.class), peer);
                            });
                });
    }

    private void exercise(MeshToolCatalog catalog, ApplicationContextRunner peer) throws Exception {
        List<List<MeshTool>> heard = new CopyOnWriteArrayList<>();
        catalog.addListener(heard::add);
        List<MeshTool> tools = catalog.ready().get();
        assertThat(tools).extracting(MeshTool::name).containsExactly("papers_search", "text_upper");

        MeshTool search = catalog.tool("papers_search").orElseThrow();
        assertThat(search.capability()).isEqualTo("papers.search");
        assertThat(search.description()).isEqualTo("papers whose title holds the query");
        assertThat(search.providers()).containsExactly("papers");
        assertThat(search.published()).isTrue();
        JsonNode input = json.readTree(search.inputSchema());
        assertThat(input.path("type").asString()).isEqualTo("object");
        assertThat(input.path("properties").has("query")).isTrue();
        assertThat(input.path("required").toString()).isEqualTo("[\"query\"]");
        assertThat(json.readTree(search.outputSchema()).path("properties").has("papers")).isTrue();

        assertThat(json.readTree(catalog.call("papers_search", "{\"query\":\"attention\",\"limit\":1}")))
                .isEqualTo(json.readTree("{\"query\":\"attention\",\"papers\":[{\"title\":\"On attention\",\"year\":2017}]}"));
        // A string input is the 'input' property of the tool's arguments.
        assertThat(json.readTree(catalog.tool("text_upper").orElseThrow().inputSchema()).path("properties").path("input")
                .path("type").asString()).isEqualTo("string");
        assertThat(catalog.call("text_upper", "{\"input\":\"mesh\"}")).isEqualTo("\"MESH\"");

        assertThatThrownBy(() -> catalog.call("papers_search", "{\"query\":"))
                .isInstanceOfSatisfying(MeshToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageStartingWith("INVALID_ARGUMENT for 'papers_search': the arguments are not JSON");
        assertThatThrownBy(() -> catalog.call("papers_search", "{\"limit\":3}"))
                .isInstanceOfSatisfying(MeshToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("required");
        // The provider's own refusal comes back typed, in its words.
        assertThatThrownBy(() -> catalog.call("papers_search", "{\"query\":\" \"}"))
                .isInstanceOfSatisfying(MeshToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.tool()).isEqualTo("papers_search");
                })
                .hasMessageContaining("the query is blank");
        assertThatThrownBy(() -> catalog.call("papers_internal", "{\"input\":\"x\"}"))
                .isInstanceOfSatisfying(MeshToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining("no tool 'papers_internal'");

        // An agent that joins later shows up as a tool, and goes when it leaves.
        int changesBefore = heard.size();
        peer.withPropertyValues("pilot.hostname=fx", "pilot.identity.path=" + dir.resolve("fx.key"))
                .withBean(FxAgent.class).run(fx -> {
                    assertThat(fx).hasNotFailed();
                    await().atMost(Duration.ofSeconds(20)).until(() -> catalog.tool("fx_rate").isPresent());
                    assertThat(catalog.tools()).extracting(MeshTool::name).containsExactly("fx_rate", "papers_search", "text_upper");
                    assertThat(catalog.call("fx_rate", "{\"base\":\"EUR\",\"quote\":\"USD\"}")).isEqualTo("1.25");
                    await().atMost(Duration.ofSeconds(20)).until(() -> heard.size() > changesBefore
                            && heard.get(heard.size() - 1).stream().anyMatch(t -> t.name().equals("fx_rate")));
                });
        await().atMost(Duration.ofSeconds(20)).until(() -> catalog.tool("fx_rate").isEmpty());
        assertThat(heard.get(heard.size() - 1)).extracting(MeshTool::name).containsExactly("papers_search", "text_upper");
    }

    @Test
    void groupsLimitTheToolsToTheirMembersAndBadPatternsStopTheStart() throws Exception {
        int backbonePort = freePort();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class,
                        PilotToolsAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort);
        base.withPropertyValues("pilot.hostname=papers", "pilot.identity.path=" + dir.resolve("papers.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(PapersAgent.class)
                .run(papers -> {
                    String backboneKey = papers.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    ApplicationContextRunner peer = base.withPropertyValues("pilot.backbone.key=" + backboneKey);
                    peer.withPropertyValues("pilot.hostname=fx", "pilot.identity.path=" + dir.resolve("fx.key"))
                            .withBean(FxAgent.class).run(fx -> {
                                peer.withPropertyValues("pilot.hostname=assistant", "pilot.identity.path=" + dir.resolve("a.key"),
                                                "pilot.tools.groups=FINANCE")
                                        .run(assistant -> {
                                            MeshToolCatalog catalog = assistant.getBean(MeshToolCatalog.class);
                                            assertThat(catalog.ready().get()).extracting(MeshTool::name).containsExactly("fx_rate");
                                            assertThat(catalog.call("fx_rate", "{\"base\":\"EUR\",\"quote\":\"USD\"}")).isEqualTo("1.25");
                                        });
                            });
                    peer.withPropertyValues("pilot.hostname=assistant", "pilot.identity.path=" + dir.resolve("a.key"),
                                    "pilot.tools.include=papers.[a-z]")
                            .run(assistant -> assertThat(assistant).hasFailed().getFailure()
                                    .hasStackTraceContaining("invalid tool pattern 'papers.[a-z]'"));
                });
    }

    @Test
    void noCatalogWhenToolsAreOff() throws Exception {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class,
                        PilotToolsAutoConfiguration.class))
                .withPropertyValues("pilot.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(MeshToolCatalog.class));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class,
                        PilotToolsAutoConfiguration.class))
                .withPropertyValues("pilot.tools.enabled=false", "pilot.hostname=plain", "pilot.backbone.embedded=true", "pilot.bind.address=127.0.0.1",
                        "pilot.backbone.address=127.0.0.1:" + freePort(), "pilot.backbone.identity=" + dir.resolve("bb.key"),
                        "pilot.identity.path=" + dir.resolve("self.key"))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(PilotRuntime.class)
                        .doesNotHaveBean(MeshToolCatalog.class));
    }

    static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }
}
