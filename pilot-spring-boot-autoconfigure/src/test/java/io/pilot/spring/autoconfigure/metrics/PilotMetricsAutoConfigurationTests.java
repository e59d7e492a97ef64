package io.pilot.spring.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.pilot.engine.PilotNode;
import io.pilot.engine.wire.DropReason;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.runtime.PilotRuntime;
import io.pilot.spring.metrics.PilotMeterBinder;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class PilotMetricsAutoConfigurationTests {

    /** Every tag key a Pilot meter may carry; all of them take values from bounded sets. */
    private static final Set<String> BOUNDED_TAG_KEYS = Set.of("reason", "direction", "pilot.capability", "pilot.outcome",
            "pilot.path", "error", "rpc.system", "rpc.method", "error.type", "pilot.group", "pilot.listener",
            "messaging.system", "messaging.destination.name", "messaging.operation.type");

    @TempDir
    Path dir;

    @PilotAgent
    static class Echo {
        @Capability("metrics.echo")
        String echo(String in) {
            return in;
        }
    }

    private static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }

    private ApplicationContextRunner base(int backbonePort) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                        JacksonAutoConfiguration.class, PilotAutoConfiguration.class,
                        PilotMetricsAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort);
    }

    private ApplicationContextRunner withBackbone(ApplicationContextRunner base, String hostname) {
        return base.withPropertyValues("pilot.hostname=" + hostname, "pilot.identity.path=" + dir.resolve(hostname + ".key"),
                "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"));
    }

    @Test
    void theNodesCountersAndTheCallTimersAreMeters() throws Exception {
        ApplicationContextRunner base = base(freePort());
        withBackbone(base, "echo-agent").withBean(Echo.class).run(server -> {
            assertThat(server).hasNotFailed().hasSingleBean(PilotMeterBinder.class);
            String backboneKey = server.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node().publicKey().toString();
            base.withPropertyValues("pilot.hostname=caller", "pilot.identity.path=" + dir.resolve("caller.key"),
                    "pilot.backbone.key=" + backboneKey).run(caller -> {
                        assertThat(caller).hasNotFailed();
                        assertThat(caller.getBean(PilotClient.class).call("metrics.echo", "hi", String.class)).isEqualTo("hi");

                        MeterRegistry callerMeters = caller.getBean(MeterRegistry.class);
                        Timer calls = callerMeters.get("pilot.client.requests").tag("pilot.capability", "metrics.echo")
                                .tag("pilot.outcome", "SUCCESS").tag("pilot.path", "direct")
                                .tag("rpc.system", "pilot").tag("rpc.method", "metrics.echo").tag("error.type", "none").timer();
                        assertThat(calls.count()).isEqualTo(1);
                        assertThat(callerMeters.get("pilot.sessions").gauge().value()).isGreaterThanOrEqualTo(2);
                        assertThat(callerMeters.get("pilot.peers").gauge().value()).isGreaterThanOrEqualTo(2);
                        assertThat(callerMeters.get("pilot.handshakes.pending").gauge().value()).isGreaterThanOrEqualTo(0);
                        assertThat(callerMeters.get("pilot.handshakes").functionCounter().count()).isGreaterThanOrEqualTo(2);
                        assertThat(callerMeters.get("pilot.peer.bytes").tag("direction", "in").gauge().value()).isPositive();
                        assertThat(callerMeters.get("pilot.peer.bytes").tag("direction", "out").gauge().value()).isPositive();
                        assertThat(callerMeters.get("pilot.drops").functionCounters()).hasSize(DropReason.values().length)
                                .allSatisfy(c -> assertThat(c.count()).isGreaterThanOrEqualTo(0));
                        assertThat(callerMeters.get("pilot.drops").tag("reason", "BAD_TAG").functionCounter()).isNotNull();
                        assertThat(callerMeters.get("pilot.relayed.bytes").functionCounter().count()).isZero();
                        assertBoundedTags(callerMeters);

                        MeterRegistry serverMeters = server.getBean(MeterRegistry.class);
                        assertThat(serverMeters.get("pilot.server.requests").tag("pilot.capability", "metrics.echo")
                                .tag("pilot.outcome", "SUCCESS").timer().count()).isEqualTo(1);
                        assertThat(serverMeters.get("pilot.relayed.bytes").functionCounter().count()).isGreaterThanOrEqualTo(0);
                        assertBoundedTags(serverMeters);
                    });
        });
    }

    private static void assertBoundedTags(MeterRegistry meters) {
        Set<String> keys = new TreeSet<>();
        for (Meter meter : meters.getMeters()) {
            if (meter.getId().getName().startsWith("pilot.")) {
                meter.getId().getTags().stream().map(Tag::getKey).forEach(keys::add);
            }
        }
        assertThat(keys).isSubsetOf(BOUNDED_TAG_KEYS);
    }

    @Test
    void withoutMicrometerOrTheEngineItBacksOff() throws Exception {
        // Only Pilot's auto-configurations: Spring Boot's own metrics ones would not start without Micrometer either.
        ApplicationContextRunner runner = withBackbone(new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class,
                        PilotMetricsAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + freePort()), "lonely");
        runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(PilotMeterBinder.class));
        runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(PilotRuntime.class).doesNotHaveBean(PilotMeterBinder.class));
        runner.withClassLoader(new FilteredClassLoader(PilotNode.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(PilotRuntime.class).doesNotHaveBean(PilotMeterBinder.class));
    }

    @Test
    void theApplicationsBinderWins() throws Exception {
        withBackbone(base(freePort()), "custom").withBean("myBinder", PilotMeterBinder.class,
                        () -> new PilotMeterBinder(null) {
                            @Override
                            public void bindTo(MeterRegistry registry) {
                            }
                        })
                .run(context -> assertThat(context).hasNotFailed().getBean(PilotMeterBinder.class).extracting(b -> b.getClass())
                        .isNotEqualTo(PilotMeterBinder.class));
    }
}
