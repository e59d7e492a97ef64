package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.runtime.PilotRuntime;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Shutting an agent down lets the calls it is serving finish, then deregisters it. */
class GracefulShutdownTests {

    static final CountDownLatch STARTED = new CountDownLatch(1);

    @PilotAgent
    static class Worker {
        @Capability("work.long")
        String work(String in) throws InterruptedException {
            STARTED.countDown();
            Thread.sleep(1500);
            return "done " + in;
        }
    }

    @TempDir
    Path dir;

    @Test
    void callsInProgressFinishBeforeTheNodeCloses() throws Exception {
        int backbonePort = PilotAutoConfigurationTests.freePort();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort);
        base.withPropertyValues("pilot.hostname=caller", "pilot.identity.path=" + dir.resolve("caller.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .run(caller -> {
                    ConfigurableApplicationContext[] worker = new ConfigurableApplicationContext[1];
                    String key = caller.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node().publicKey().toString();
                    base.withPropertyValues("pilot.hostname=worker", "pilot.identity.path=" + dir.resolve("worker.key"),
                                    "pilot.backbone.key=" + key, "spring.lifecycle.timeout-per-shutdown-phase=10s")
                            .withBean(Worker.class)
                            .run(context -> {
                                worker[0] = context.getSourceApplicationContext();
                                PilotClient client = caller.getBean(PilotClient.class);
                                CompletableFuture<String> reply = client.callAsync("work.long", "job", String.class);
                                assertThat(STARTED.await(10, TimeUnit.SECONDS)).isTrue();
                                context.close();
                                assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("done job");
                                assertThat(client.find("work.long")).isEmpty();
                            });
                });
    }

    @Test
    void theNodeStopsAfterTheWebServerHasDrainedAndBeforeTheWebServerStops() {
        // Higher phases stop first: Boot's graceful shutdown drains, then the node, then the server stops.
        assertThat(PilotRuntime.PHASE).isLessThan(WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE)
                .isGreaterThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE);
    }

    @Test
    void theRemovedGracePropertyFailsTheStartWithItsReplacement() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.hostname=worker", "pilot.backbone.address=127.0.0.1:7400",
                        "pilot.shutdown-grace-period=5s")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .isInstanceOfSatisfying(PilotConfigurationException.class, failure -> {
                            assertThat(failure.getMessage()).startsWith("pilot.shutdown-grace-period: removed");
                            assertThat(failure.action()).contains("spring.lifecycle.timeout-per-shutdown-phase");
                        }));
    }
}
