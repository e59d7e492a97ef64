package io.pilot.spring.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.spring.ImportPilotClients;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.PilotReply;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.clients.FxClients.FinanceFx;
import io.pilot.spring.clients.FxClients.Fx;
import io.pilot.spring.clients.FxClients.FxAgent;
import io.pilot.spring.clients.FxClients.FxOnB;
import io.pilot.spring.clients.FxClients.Rate;
import io.pilot.spring.clients.FxClients.RateQuery;
import io.pilot.spring.clients.FxClients.ScannedFx;
import io.pilot.spring.clients.FxClients.SlowFx;
import io.pilot.spring.observation.PilotPath;
import io.pilot.spring.observation.PilotServerRequestContext;
import io.pilot.spring.runtime.PilotRuntime;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.ParameterizedTypeReference;

/**
 * Client interfaces as beans, over real tunnels: two fx providers (fx-a in group FINANCE, fx-b in none) and a
 * coordinator whose interfaces are injected and configured per interface by properties.
 */
class ClientInterfacesTests {

    @TempDir
    Path dir;

    @Configuration(proxyBeanMethods = false)
    @ImportPilotClients(types = {Fx.class, FxOnB.class, FinanceFx.class, SlowFx.class},
            basePackageClasses = ClientInterfacesTests.class)
    static class CoordinatorConfiguration {
    }

    /** An application bean that has the interface injected, as users write it. */
    static class RateService {
        @Autowired
        Fx fx;

        Rate euro() {
            return fx.rate("EURUSD", "mon", "acme");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportPilotClients(types = FxClients.Broken.class)
    static class BrokenConfiguration {
    }

    private static ApplicationContextRunner base(int backbonePort) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort,
                        "pilot.control.enabled=false");
    }

    @Test
    void injectedInterfacesCallRealProvidersWhereTheirPropertiesSay() {
        int backbonePort = freePort();
        Queue<String> tenants = new ConcurrentLinkedQueue<>();
        FxClients.held = new CountDownLatch(1);
        base(backbonePort).withPropertyValues("pilot.hostname=fx-a", "pilot.groups=FINANCE",
                        "pilot.identity.path=" + dir.resolve("a.key"), "pilot.backbone.embedded=true",
                        "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(FxAgent.class).withBean(ObservationRegistry.class, () -> recordingTenants(tenants))
                .run(a -> {
                    assertThat(a).hasNotFailed();
                    String backboneKey = a.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    ApplicationContextRunner joined = base(backbonePort).withPropertyValues("pilot.backbone.key=" + backboneKey);
                    joined.withPropertyValues("pilot.hostname=fx-b", "pilot.identity.path=" + dir.resolve("b.key"))
                            .withBean(FxAgent.class).withBean(ObservationRegistry.class, () -> recordingTenants(tenants))
                            .run(b -> {
                                assertThat(b).hasNotFailed();
                                joined.withUserConfiguration(CoordinatorConfiguration.class).withBean(RateService.class)
                                        .withPropertyValues("pilot.hostname=coordinator",
                                                "pilot.identity.path=" + dir.resolve("c.key"),
                                                "pilot.request-timeout=60s",
                                                "pilot.client.interfaces.fx-on-b.hostname=fx-b",
                                                "pilot.client.interfaces.financeFx.group=FINANCE",
                                                "pilot.client.interfaces.slowFx.timeout=300ms")
                                        .run(coordinator -> {
                                            assertThat(coordinator).hasNotFailed();
                                            try {
                                                exercise(coordinator.getBean(PilotClient.class),
                                                        coordinator.getBean(RateService.class), coordinator.getBean(Fx.class),
                                                        coordinator.getBean(FxOnB.class), coordinator.getBean(FinanceFx.class),
                                                        coordinator.getBean(SlowFx.class), coordinator.getBean(ScannedFx.class),
                                                        tenants);
                                            } finally {
                                                FxClients.held.countDown();
                                            }
                                        });
                            });
                });
    }

    private static void exercise(PilotClient client, RateService service, Fx fx, FxOnB onB, FinanceFx finance,
            SlowFx slow, ScannedFx scanned, Queue<String> tenants) throws Exception {
        await(() -> client.find("fx.rate").size() == 2);
        // The coordinator's interfaces call fx.rate; they do not make the coordinator a provider of it.
        assertThat(client.find("fx.rate")).extracting(NodeRecord::hostname).containsExactlyInAnyOrder("fx-a", "fx-b");

        // Injected into an application bean; several parameters go as one object by name, the header as a header.
        Rate euro = service.euro();
        assertThat(euro.pair()).isEqualTo("EURUSD");
        assertThat(euro.day()).isEqualTo("mon");
        assertThat(euro.agent()).isIn("fx-a", "fx-b");
        assertThat(tenants).containsExactly("acme");
        assertThat(fx.rateLater("GBPUSD", "tue", "initech").get(10, TimeUnit.SECONDS).pair()).isEqualTo("GBPUSD");
        assertThat(fx.rateMono("CHFUSD", "wed", null).block(Duration.ofSeconds(10)).day()).isEqualTo("wed");
        assertThat(tenants).containsExactly("acme", "initech");
        assertThat(fx.rates("EURUSD")).hasSize(2).allSatisfy(rate -> assertThat(rate).isInstanceOf(Rate.class));
        assertThat(scanned.rates("JPYUSD")).extracting(Rate::pair).containsOnly("JPYUSD");
        assertThatThrownBy(() -> fx.rate("EURUSD", "mon", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header 'tenant' is required");

        // A PilotReply of the result: the body read as declared, with the agent that answered, the path and the time.
        PilotReply<Rate> reply = fx.rateReply("EURGBP", "thu", null).get(10, TimeUnit.SECONDS);
        assertThat(reply.body().pair()).isEqualTo("EURGBP");
        assertThat(reply.hostname()).isEqualTo(reply.body().agent());
        assertThat(reply.capability()).isEqualTo("fx.rate");
        assertThat(reply.path()).isEqualTo(PilotPath.DIRECT);
        assertThat(reply.elapsed()).isPositive();
        PilotReply<List<Rate>> listed = fx.ratesReply("EURJPY");
        assertThat(listed.body()).hasSize(2).allSatisfy(rate -> assertThat(rate.agent()).isEqualTo(listed.hostname()));
        PilotReply<Rate> later = fx.rateReplyMono("EURCHF", "fri", null).block(Duration.ofSeconds(10));
        assertThat(later.body().day()).isEqualTo("fri");
        assertThat(later.hostname()).isEqualTo(later.body().agent());

        // Per interface: one named agent, or only the members of a group, every time.
        for (int i = 0; i < 6; i++) {
            assertThat(onB.rate(new RateQuery("EURUSD", "mon")).agent()).isEqualTo("fx-b");
            assertThat(finance.rate(new RateQuery("EURUSD", "mon")).agent()).isEqualTo("fx-a");
            assertThat(client.capability("fx.rate").inGroup("FINANCE").call(new RateQuery("X", "d"), Rate.class).agent())
                    .isEqualTo("fx-a");
            assertThat(client.capability("fx.rate").to("fx-b").call(new RateQuery("X", "d"), Rate.class).agent())
                    .isEqualTo("fx-b");
        }
        assertThatThrownBy(() -> client.capability("fx.rate").inGroup("OPS").call(new RateQuery("X", "d"), Rate.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE))
                .hasMessageContaining("group OPS");

        // A generic result, through the client's overloads and the spec.
        List<Rate> rates = client.call("fx.rates", "EURUSD", new ParameterizedTypeReference<List<Rate>>() { });
        assertThat(rates).hasSize(2).allSatisfy(rate -> assertThat(rate).isInstanceOf(Rate.class));
        assertThat(client.capability("fx.rates").to("fx-a").exchange("EURUSD", new ParameterizedTypeReference<List<Rate>>() { })
                .get(10, TimeUnit.SECONDS).body()).extracting(Rate::agent).containsOnly("fx-a");

        // Timeouts of the interface, the method, and the call: each DEADLINE_EXCEEDED (the provider enforces the deadline) although the request timeout is 60 s
        // (the handler is held until the test ends; the bound below only keeps a broken build from hanging).
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertThatThrownBy(() -> slow.hold("x")).isInstanceOfSatisfying(PilotRemoteException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
            assertThatThrownBy(() -> fx.holdBriefly("x")).isInstanceOfSatisfying(PilotRemoteException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
            assertThatThrownBy(() -> slow.holdReply("x")).isInstanceOfSatisfying(PilotRemoteException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
            assertThatThrownBy(() -> client.capability("fx.hold").timeout(Duration.ofMillis(300)).call("x", String.class))
                    .isInstanceOfSatisfying(PilotRemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
            CompletableFuture<String> direct = client.capability("fx.hold").to("fx-a").timeout(Duration.ofMillis(300))
                    .callAsync("x", String.class);
            assertThatThrownBy(direct::join).cause().isInstanceOfSatisfying(PilotRemoteException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
        });
    }

    @Test
    void aPropertyNamingNoInterfaceFailsTheStartSayingWhich() {
        base(freePort()).withUserConfiguration(CoordinatorConfiguration.class)
                .withPropertyValues("pilot.hostname=coordinator", "pilot.identity.path=" + dir.resolve("c.key"),
                        "pilot.client.interfaces.fxOnC.hostname=fx-c")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("pilot.client.interfaces.fxOnC: names no client interface")
                        .hasMessageContaining("financeFx, fx, fxOnB, scannedFx, slowFx"));
    }

    @Test
    void aPropertyWithAHostnameAndAGroupFailsTheStart() {
        base(freePort()).withUserConfiguration(CoordinatorConfiguration.class)
                .withPropertyValues("pilot.hostname=coordinator", "pilot.identity.path=" + dir.resolve("c.key"),
                        "pilot.client.interfaces.fx.hostname=fx-a", "pilot.client.interfaces.fx.group=FINANCE")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("pilot.client.interfaces.fx: calls go to a named agent (fx-a) or to a group (FINANCE), not both"));
    }

    @Test
    void aMethodWithoutCapabilityFailsTheStartSayingWhich() {
        base(freePort()).withUserConfiguration(BrokenConfiguration.class)
                .withPropertyValues("pilot.hostname=coordinator", "pilot.identity.path=" + dir.resolve("c.key"))
                .run(context -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(FxClients.Broken.class.getName() + ".unmarked has no @Capability"));
    }

    /** An observation registry that records the {@code tenant} header of each capability request served. */
    private static ObservationRegistry recordingTenants(Queue<String> tenants) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<PilotServerRequestContext>() {
            @Override
            public void onStart(PilotServerRequestContext context) {
                String tenant = ((Message) context.getCarrier()).header("tenant");
                if (tenant != null) {
                    tenants.add(tenant);
                }
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof PilotServerRequestContext;
            }
        });
        return registry;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    private static int freePort() {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
