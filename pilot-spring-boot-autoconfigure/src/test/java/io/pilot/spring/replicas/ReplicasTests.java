package io.pilot.spring.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.spring.PilotClient;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A Deployment of three replicas: three processes of one application, started with the same command line and the
 * same configuration (no {@code pilot.hostname}, no instance id), in the same working directory; only the
 * environment differs, as the kubelet makes it differ: each pod's {@code HOSTNAME} is its pod name, and the
 * {@code KUBERNETES_SERVICE_*} variables tell Boot it runs on Kubernetes. All three register, a caller's anycast
 * calls spread over them, and when one is stopped (SIGTERM, as Kubernetes stops a pod) calls go to the others.
 */
class ReplicasTests {

    private static final List<String> PODS = List.of("replica-app-5d8f7-a1b2c", "replica-app-5d8f7-d3e4f",
            "replica-app-5d8f7-g5h6i");

    @TempDir
    Path dir;

    private PilotNode backboneNode;
    private Backbone backbone;
    private final List<Process> replicas = new ArrayList<>();

    @BeforeEach
    void startBackbone() {
        backboneNode = PilotNode.builder().identityPath(dir.resolve("backbone.key"))
                .bindAddress(new InetSocketAddress("127.0.0.1", 0)).answerStun(true).build().start();
        backbone = Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none());
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process replica : replicas) {
            replica.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        backbone.close();
        backboneNode.close();
    }

    private Process startReplica(String podName, Path workDir) throws IOException {
        String backboneAddress = "127.0.0.1:" + backboneNode.localEndpoint().getPort();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), ReplicaApp.class.getName(),
                "--spring.application.name=replica-app", "--spring.main.web-application-type=none",
                "--pilot.bind.address=127.0.0.1", "--pilot.backbone.address=" + backboneAddress,
                "--pilot.backbone.key=" + backboneNode.publicKey(), "--pilot.control.enabled=false");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve(podName + ".log").toFile());
        Map<String, String> environment = builder.environment();
        environment.put("HOSTNAME", podName);
        environment.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        environment.put("KUBERNETES_SERVICE_PORT", "443");
        Process process = builder.start();
        replicas.add(process);
        return process;
    }

    @Test
    void threeReplicasOfOneConfigurationRegisterShareTheCallsAndTakeOverFromAStoppedOne() throws Exception {
        Path workDir = Files.createDirectories(dir.resolve("app"));
        List<Process> pods = new ArrayList<>();
        for (String pod : PODS) {
            pods.add(startReplica(pod, workDir));
        }
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.hostname=caller", "pilot.identity.path=" + dir.resolve("caller.key"),
                        "pilot.bind.address=127.0.0.1", "pilot.control.enabled=false",
                        "pilot.backbone.address=127.0.0.1:" + backboneNode.localEndpoint().getPort(),
                        "pilot.backbone.key=" + backboneNode.publicKey(), "pilot.request-timeout=5s")
                .run(caller -> {
                    assertThat(caller).hasNotFailed();
                    PilotClient client = caller.getBean(PilotClient.class);
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        assertThat(pods).allMatch(Process::isAlive, "every replica still runs (logs in " + dir + ")");
                        assertThat(client.find("fx.rate")).hasSize(3);
                    });
                    List<NodeRecord> records = client.find("fx.rate");
                    assertThat(records).extracting(NodeRecord::hostname).containsExactlyInAnyOrderElementsOf(PODS);
                    assertThat(records).extracting(NodeRecord::address).doesNotHaveDuplicates();
                    assertThat(client.members("REPLICAS")).hasSize(3);
                    assertThat(Files.list(workDir.resolve(".pilot")).map(p -> p.getFileName().toString()))
                            .as("each replica made its own key, named after its hostname")
                            .containsExactlyInAnyOrder(PODS.get(0) + ".key", PODS.get(1) + ".key", PODS.get(2) + ".key");

                    // Anycast prefers the lowest RTT in 25 ms steps; a replica still warming up (JIT, on a loaded
                    // machine) can read slower at first, so the spread is awaited, not demanded of the first calls.
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                            assertThat(answerers(client, 30)).containsExactlyInAnyOrderElementsOf(PODS));
                    assertThat(client.call(PODS.get(1), "fx.rate", "EUR/USD", Double.class))
                            .as("one instance, by its hostname").isEqualTo(1.0664);

                    Process stopped = pods.get(0);
                    stopped.destroy();
                    assertThat(stopped.waitFor(60, TimeUnit.SECONDS)).isTrue();
                    assertThat(answerers(client, 20)).containsExactlyInAnyOrder(PODS.get(1), PODS.get(2));
                    assertThat(client.find("fx.rate")).extracting(NodeRecord::hostname)
                            .containsExactlyInAnyOrder(PODS.get(1), PODS.get(2));
                });
    }

    /** Who answered {@code calls} anycast calls, one after the other. */
    private static Set<String> answerers(PilotClient client, int calls) {
        Set<String> hostnames = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            hostnames.add(client.exchange("fx.rate", "EUR/USD", Double.class).join().hostname());
        }
        return hostnames;
    }
}
