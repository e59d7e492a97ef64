package io.pilot.spring.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.springframework.util.FileSystemUtils;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.identity.Identity;
import io.pilot.spring.PilotClient;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mockito;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class PilotAutoConfigurationTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() throws Exception {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.hostname=papers", "pilot.bind.address=127.0.0.1",
                        "pilot.identity.path=" + dir.resolve("papers.key"), "pilot.backbone.embedded=true",
                        "pilot.backbone.address=127.0.0.1:" + freePort(), "pilot.backbone.identity=" + dir.resolve("bb.key"));
    }

    @Test
    void whenConfiguredThenTheAgentStartsRegistersAndPublishesItsPort() throws Exception {
        runner().withBean(Agents.PapersAgent.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(PilotClient.class).hasSingleBean(CapabilityRegistry.class);
            PilotRuntime runtime = context.getBean(PilotRuntime.class);
            assertThat(runtime.isRunning()).isTrue();
            assertThat(context.getEnvironment().getProperty("local.pilot.port", Integer.class))
                    .isEqualTo(runtime.node().localEndpoint().getPort());
            assertThat(runtime.directory().record().orElseThrow().capabilities()).extracting(c -> c.name())
                    .containsExactlyInAnyOrder("papers.resolve-citation", "papers.search", "papers.note", "papers.count");
            assertThat(runtime.directory().record().orElseThrow().groups()).containsExactly("RESEARCH");
            assertThat(runtime.embeddedBackbone()).isPresent();
        });
    }

    @Test
    void theAgentOpensAControlSocketThatAnswersPilotctlRequests() throws Exception {
        Path socketDir = Files.createTempDirectory(Path.of("/tmp"), "pc");
        Path socket = socketDir.resolve("papers.sock");
        try {
            runner().withBean(Agents.PapersAgent.class).withPropertyValues("pilot.control.socket=" + socket).run(context -> {
                assertThat(context.getBean(PilotRuntime.class).controlSocket()).contains(socket);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                        .isEqualTo("rw-------");
                try (SocketChannel channel = SocketChannel.open(
                        UnixDomainSocketAddress.of(socket))) {
                    channel.write(ByteBuffer.wrap("{\"command\":\"info\",\"args\":{}}\n"
                            .getBytes(StandardCharsets.UTF_8)));
                    String reply = new String(readAll(channel),
                            StandardCharsets.UTF_8);
                    assertThat(reply).contains("\"status\":\"ok\"").contains("\"hostname\":\"papers\"")
                            .contains(context.getBean(PilotRuntime.class).address().toString());
                }
            });
            assertThat(socket).doesNotExist();
        } finally {
            FileSystemUtils.deleteRecursively(socketDir);
        }
    }

    private static byte[] readAll(SocketChannel channel) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) > 0 || buffer.position() > 0) {
            buffer.flip();
            out.write(buffer.array(), 0, buffer.limit());
            buffer.clear();
        }
        return out.toByteArray();
    }

    @Test
    void whenTheUserDefinesAClientThenTheirsIsUsed() throws Exception {
        PilotClient mine = Mockito.mock(PilotClient.class);
        runner().withBean(PilotClient.class, () -> mine).run(context -> assertThat(context.getBean(PilotClient.class)).isSameAs(mine));
    }

    @Test
    void whenTwoBeansDeclareTheSameCapabilityThenStartupFailsNamingBoth() throws Exception {
        runner().withBean("first", Agents.DuplicateA.class).withBean("second", Agents.DuplicateB.class).run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("capability 'same.name' is declared twice")
                        .hasMessageContaining("first.a").hasMessageContaining("second.b"));
    }

    @Test
    void whenTheHostnameIsMissingOrInvalidThenStartupFailsSayingWhatToChange() throws Exception {
        runner().withPropertyValues("pilot.hostname=").run(context -> assertThat(context).hasFailed().getFailure()
                .rootCause().isInstanceOf(PilotConfigurationException.class).hasMessageContaining("pilot.hostname: is not set"));
        runner().withPropertyValues("pilot.hostname=Papers_Agent").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("invalid hostname 'Papers_Agent'"));
        runner().withPropertyValues("pilot.backbone.address=nowhere").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("pilot.backbone.address: 'nowhere' is not HOST:PORT"));
    }

    @Test
    void timeoutsMustBePositive() throws Exception {
        runner().withPropertyValues("pilot.request-timeout=0s").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().isInstanceOf(PilotConfigurationException.class)
                .hasMessageContaining("pilot.request-timeout: PT0S is not a positive duration"));
        runner().withPropertyValues("pilot.backbone.request-timeout=-1s").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("pilot.backbone.request-timeout: PT-1S is not a positive duration"));
    }

    @Test
    void aBadRetryDelayFailsTheStartNamingTheProperty() throws Exception {
        runner().withPropertyValues("pilot.backbone.retry.first-delay=1m", "pilot.backbone.retry.max-delay=10s")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .isInstanceOf(PilotConfigurationException.class)
                        .hasMessageContaining("pilot.backbone.retry.max-delay: PT10S is shorter than pilot.backbone.retry.first-delay"));
    }

    @Test
    void theBackboneRequestTimeoutBoundsEachCallToTheBackbone() throws Exception {
        // A "backbone" that completes the handshake but never answers a directory request.
        try (PilotNode mute = PilotNode.builder().identity(Identity.generate(new SecureRandom()))
                .bindAddress("127.0.0.1", 0).build().start()) {
            mute.listen(DirectoryProtocol.PORT, in -> new CompletableFuture<>());
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                    .withPropertyValues("pilot.hostname=papers", "pilot.identity.path=" + dir.resolve("mute.key"),
                            "pilot.bind.address=127.0.0.1", "pilot.control.enabled=false",
                            "pilot.backbone.address=127.0.0.1:" + mute.localEndpoint().getPort(),
                            "pilot.backbone.key=" + mute.publicKey(), "pilot.backbone.request-timeout=300ms")
                    .run(context -> {
                        // The application starts without its backbone; the agent says why it is not registered.
                        assertThat(context).hasNotFailed();
                        DirectoryClient directory = context.getBean(PilotRuntime.class).directory();
                        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
                            assertThat(directory.status()).isEqualTo(DirectoryClient.Status.BACKBONE_UNREACHABLE);
                            // The backbone named as a user writes it (not InetSocketAddress's "/127.0.0.1:port").
                            assertThat(directory.lastError()).contains("the backbone at 127.0.0.1:"
                                    + mute.localEndpoint().getPort() + " did not answer within 300 ms");
                        });
                    });
        }
    }

    @Test
    void whenTheEngineIsAbsentThenNothingIsConfigured() throws Exception {
        runner().withClassLoader(new FilteredClassLoader(PilotNode.class)).run(context ->
                assertThat(context).doesNotHaveBean(PilotRuntime.class).doesNotHaveBean(PilotClient.class));
    }

    static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }
}
