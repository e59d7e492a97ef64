package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.runtime.PilotRuntime;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Three applications, each with its own observation registry traced into one OpenTelemetry SDK: A calls B's
 * capability, whose method calls C's through B's own PilotClient. One trace, each span the child of the one before.
 */
class ThreeAgentsTracingTests {

    @TempDir
    Path dir;

    private final SharedTracing tracing = new SharedTracing();

    @AfterEach
    void closeSdk() {
        tracing.close();
    }

    @PilotAgent
    static class Middle {
        private final PilotClient client;

        Middle(PilotClient client) {
            this.client = client;
        }

        @Capability("trace.middle")
        String middle(String in) {
            return "middle(" + client.call("trace.leaf", in, String.class) + ")";
        }
    }

    @PilotAgent
    static class Leaf {
        @Capability("trace.leaf")
        String leaf(String in) {
            return "leaf(" + in + ")";
        }
    }

    @Test
    void oneTraceRunsThroughThreeAgents() throws Exception {
        int backbonePort = PilotAutoConfigurationTests.freePort();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort);
        base.withPropertyValues("pilot.hostname=agent-c", "pilot.identity.path=" + dir.resolve("c.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(Leaf.class).withBean(ObservationRegistry.class, tracing::registry)
                .run(c -> {
                    assertThat(c).hasNotFailed();
                    String backboneKey = "pilot.backbone.key=" + c.getBean(PilotRuntime.class).embeddedBackbone()
                            .orElseThrow().node().publicKey();
                    base.withPropertyValues("pilot.hostname=agent-b", "pilot.identity.path=" + dir.resolve("b.key"), backboneKey)
                            .withBean(Middle.class).withBean(ObservationRegistry.class, tracing::registry)
                            .run(b -> {
                                assertThat(b).hasNotFailed();
                                base.withPropertyValues("pilot.hostname=agent-a", "pilot.identity.path=" + dir.resolve("a.key"),
                                                backboneKey)
                                        .withBean(ObservationRegistry.class, tracing::registry)
                                        .run(a -> {
                                            assertThat(a).hasNotFailed();
                                            assertThat(a.getBean(PilotClient.class).call("trace.middle", "x", String.class))
                                                    .isEqualTo("middle(leaf(x))");
                                        });
                            });
                });

        List<SpanData> finished = tracing.finished();
        assertThat(finished).extracting(SpanData::getName)
                .containsExactlyInAnyOrder("call trace.middle", "serve trace.middle", "call trace.leaf", "serve trace.leaf");
        SpanData aClient = tracing.span("call trace.middle");
        SpanData bServer = tracing.span("serve trace.middle");
        SpanData bClient = tracing.span("call trace.leaf");
        SpanData cServer = tracing.span("serve trace.leaf");

        assertThat(finished).extracting(SpanData::getTraceId).containsOnly(aClient.getTraceId());
        assertThat(aClient.getParentSpanContext().isValid()).isFalse();
        assertThat(bServer.getParentSpanId()).isEqualTo(aClient.getSpanId());
        assertThat(bClient.getParentSpanId()).isEqualTo(bServer.getSpanId());
        assertThat(cServer.getParentSpanId()).isEqualTo(bClient.getSpanId());
        assertThat(bServer.getParentSpanContext().isRemote()).isTrue();
        assertThat(cServer.getParentSpanContext().isRemote()).isTrue();
        assertThat(bClient.getParentSpanContext().isRemote()).isFalse();

        assertThat(List.of(aClient, bClient)).extracting(SpanData::getKind).containsOnly(SpanKind.CLIENT);
        assertThat(List.of(bServer, cServer)).extracting(SpanData::getKind).containsOnly(SpanKind.SERVER);
        assertThat(aClient.getAttributes().get(AttributeKey.stringKey("pilot.capability"))).isEqualTo("trace.middle");
        assertThat(cServer.getAttributes().get(AttributeKey.stringKey("pilot.outcome"))).isEqualTo("SUCCESS");
        assertThat(bClient.getAttributes().get(AttributeKey.stringKey("pilot.peer.hostname"))).isEqualTo("agent-c");

        // OpenTelemetry's RPC attributes, beside Pilot's own.
        assertThat(List.of(aClient, bServer, bClient, cServer)).allSatisfy(span -> {
            assertThat(span.getAttributes().get(AttributeKey.stringKey("rpc.system"))).isEqualTo("pilot");
            assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("none");
        });
        assertThat(aClient.getAttributes().get(AttributeKey.stringKey("rpc.method"))).isEqualTo("trace.middle");
        assertThat(cServer.getAttributes().get(AttributeKey.stringKey("rpc.method"))).isEqualTo("trace.leaf");
        assertThat(aClient.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("agent-b");
        assertThat(bClient.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("agent-c");
    }
}
