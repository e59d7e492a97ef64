package io.pilot.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.Names;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.message.PilotException;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Agents on loopback: what each start step makes possible, what stopping undoes, and in which order. */
class AgentTests {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PORT = 1200;

    /** Latest first: members close before their backbone. */
    private final List<Agent> agents = new ArrayList<>();
    private Path shortDir;

    @AfterEach
    void closeAll() throws IOException {
        agents.forEach(Agent::close);
        if (shortDir != null) {
            try (var paths = Files.walk(shortDir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    @Test
    void aPortAnsweredOnTheLoopAsksThatFirstAndLeavesTheRestToItsHandler() throws Exception {
        Agent backbone = backbone(BackboneSettings.DEFAULTS);
        member(backbone, "alpha", b -> b.listen(PORT, MessageHandler.of(in -> Message.of("pooled on "
                        + Thread.currentThread().getName())))
                .answerOnLoop(PORT, node -> in -> in.message().bodyAsString().equals("fast")
                        ? Message.of("on " + Thread.currentThread().getName()) : null));
        Agent beta = member(backbone, "beta", b -> b);

        assertThat(beta.directory().orElseThrow().request("alpha", PORT, Message.of("fast")).get(10, TimeUnit.SECONDS)
                .bodyAsString()).startsWith("on pilot-io");
        assertThat(beta.directory().orElseThrow().request("alpha", PORT, Message.of("slow")).get(10, TimeUnit.SECONDS)
                .bodyAsString()).startsWith("pooled on pilot-handler");
        assertThatThrownBy(() -> Agent.builder(node()).answerOnLoop(PORT + 1, node -> in -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port " + (PORT + 1) + " has no handler");
    }

    @Test
    void aPortBoundBeforeStartIsServedAsSoonAsTheAgentIsRegistered() throws Exception {
        Agent backbone = backbone(BackboneSettings.DEFAULTS);
        Agent alpha = member(backbone, "alpha", b -> b.listen(PORT,
                MessageHandler.of(in -> Message.of("hello " + in.message().bodyAsString()))));
        Agent beta = member(backbone, "beta", b -> b);

        Message reply = beta.directory().orElseThrow().request("alpha", PORT, Message.of("beta")).get(10, TimeUnit.SECONDS);

        assertThat(reply.bodyAsString()).isEqualTo("hello beta");
        assertThat(alpha.directory().orElseThrow().status()).isEqualTo(DirectoryClient.Status.REGISTERED);
        assertThat(alpha.groups()).isPresent();
        assertThat(backbone.backbone().orElseThrow().registrations()).isEqualTo(2);
    }

    @Test
    void stoppingDeregistersFirstThenLetsTheRequestInProgressFinish() throws Exception {
        Agent backbone = backbone(BackboneSettings.DEFAULTS);
        CountDownLatch entered = new CountDownLatch(1);
        CompletableFuture<Message> answer = new CompletableFuture<>();
        Agent alpha = member(backbone, "alpha", b -> b.gracePeriod(Duration.ofSeconds(60)).listen(PORT, in -> {
            entered.countDown();
            return answer;
        }));
        Agent beta = member(backbone, "beta", b -> b);
        CompletableFuture<Message> reply = beta.directory().orElseThrow().request("alpha", PORT, Message.of("work"));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        Thread closing = new Thread(alpha::close);
        closing.start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> backbone.backbone().orElseThrow().registrations() == 1);
        assertThat(closing.isAlive()).as("still draining the request in progress").isTrue();
        assertThat(reply).isNotDone();

        answer.complete(Message.of("done"));

        assertThat(reply.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("done");
        closing.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(closing.isAlive()).isFalse();
        assertThatThrownBy(() -> beta.directory().orElseThrow().lookup("alpha").join()).hasCauseInstanceOf(DirectoryException.class);
    }

    @Test
    void stoppingLetsAnOutgoingCallFromAnyThreadFinishAndRefusesNewOnes() throws Exception {
        Agent backbone = backbone(BackboneSettings.DEFAULTS);
        CountDownLatch entered = new CountDownLatch(1);
        CompletableFuture<Message> answer = new CompletableFuture<>();
        member(backbone, "alpha", b -> b.listen(PORT, in -> {
            entered.countDown();
            return answer;
        }).listen(PORT + 1, MessageHandler.of(in -> Message.of("quick"))));
        Agent beta = member(backbone, "beta", b -> b.gracePeriod(Duration.ofSeconds(60)));
        CompletableFuture<CompletableFuture<Message>> started = new CompletableFuture<>();
        new Thread(() -> started.complete(beta.outgoing(
                () -> beta.directory().orElseThrow().request("alpha", PORT, Message.of("work")))), "not-a-served-request").start();
        CompletableFuture<Message> reply = started.get(10, TimeUnit.SECONDS);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        Thread closing = new Thread(beta::close);
        closing.start();
        // Until stopping refuses, a new call is made and answered; then it is refused before it is sent.
        PilotException refused = await().atMost(10, TimeUnit.SECONDS).until(() -> refusal(beta), error -> error != null);

        assertThat(refused.code()).isEqualTo(ErrorCode.UNREACHABLE);
        assertThat(refused).hasMessage("the agent is stopping: it starts no new calls");
        assertThat(closing.isAlive()).as("still waiting for the outgoing call").isTrue();
        assertThat(reply).isNotDone();
        answer.complete(Message.of("done"));
        assertThat(reply.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("done");
        closing.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(closing.isAlive()).isFalse();
    }

    /** The refusal of a new call through {@code agent}, or null if the call was made (and answered). */
    private static PilotException refusal(Agent agent) {
        try {
            agent.outgoing(() -> agent.directory().orElseThrow().request("alpha", PORT + 1, Message.of("more"))).join();
            return null;
        } catch (PilotException e) {
            return e;
        }
    }

    @Test
    void aFailureWhileStartingClosesWhatWasStarted() throws Exception {
        Agent backbone = backbone(BackboneSettings.DEFAULTS);
        int port = freePort();
        Path notASocket = Files.createFile(shortDir().resolve("alpha.sock"));
        Agent alpha = Agent.builder(node().bindAddress("127.0.0.1", port)).hostname("alpha")
                .backbone(backbone.node().localEndpoint(), backbone.node().publicKey())
                .control(notASocket, commands -> { }).build();

        assertThatThrownBy(alpha::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot open the control socket " + notASocket);

        await().atMost(10, TimeUnit.SECONDS).until(() -> backbone.backbone().orElseThrow().registrations() == 0);
        assertPortFree(port);
        assertThatThrownBy(alpha::start).hasMessage("the agent is closed");
    }

    @Test
    void aRefusedRegistrationIsThrownByItsCauseAndFreesTheSocket() throws Exception {
        Agent backbone = backbone(BackboneSettings.DEFAULTS.withJoinToken("s3cret"));
        int port = freePort();
        Agent alpha = Agent.builder(node().bindAddress("127.0.0.1", port)).hostname("alpha")
                .backbone(backbone.node().localEndpoint(), backbone.node().publicKey()).build();

        assertThatThrownBy(alpha::start).isInstanceOf(IllegalStateException.class)
                .hasCauseInstanceOf(DirectoryException.class);

        assertPortFree(port);
    }

    @Test
    void anAgentWithTheRealmsJoinTokenRegistersAndOneWithAnotherIsRefusedByItsCode() throws Exception {
        Agent backbone = backbone(BackboneSettings.DEFAULTS.withJoinToken("s3cret"));
        Agent member = start(Agent.builder(node()).hostname("member").joinToken("s3cret")
                .backbone(backbone.node().localEndpoint(), backbone.node().publicKey())
                .startWithoutBackbone(Duration.ofSeconds(10)));
        assertThat(member.directory().orElseThrow().status()).isEqualTo(DirectoryClient.Status.REGISTERED);
        assertThat(backbone.backbone().orElseThrow().registrations()).isEqualTo(1);

        Agent intruder = Agent.builder(node()).hostname("intruder").joinToken("guess")
                .backbone(backbone.node().localEndpoint(), backbone.node().publicKey())
                .startWithoutBackbone(Duration.ofSeconds(10)).build();
        assertThatThrownBy(intruder::start).isInstanceOf(IllegalStateException.class)
                .cause().isInstanceOfSatisfying(DirectoryException.class,
                        refusal -> assertThat(refusal.error()).isEqualTo(DirectoryError.JOIN_TOKEN_INVALID));
        assertThat(backbone.backbone().orElseThrow().registrations()).isEqualTo(1);
    }

    @Test
    void aJoinTokenTheWireCannotCarryIsRefusedWithoutQuotingIt() {
        String tooLong = "t".repeat(Names.MAX_JOIN_TOKEN + 1);
        Agent.Builder builder = Agent.builder(node());
        assertThatThrownBy(() -> builder.joinToken(tooLong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a join token is at most 255 bytes of UTF-8; this one has 256").message().doesNotContain("tt");
        assertThatThrownBy(() -> builder.joinToken(" ")).hasMessage("a join token must not be empty or blank");
        assertThat(builder.joinToken("é".repeat(127)).joinToken(null)).isSameAs(builder);
    }

    @Test
    void anAgentStartsWhileItsBackboneIsAwayAndRegistersWhenItAppears() throws Exception {
        int backbonePort = freePort();
        Identity backboneIdentity = Identity.generate(RANDOM);
        Agent alpha = start(Agent.builder(node()).hostname("alpha")
                .listen(PORT, MessageHandler.of(in -> Message.of("hello " + in.message().bodyAsString())))
                .backbone(new InetSocketAddress("127.0.0.1", backbonePort), backboneIdentity.publicKey())
                .directory(directory -> directory.requestTimeout(Duration.ofMillis(300))
                        .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(400)))
                .startWithoutBackbone(Duration.ofMillis(300)));

        assertThat(alpha.node().localEndpoint()).isNotNull();
        await().atMost(10, TimeUnit.SECONDS).until(() -> alpha.directory().orElseThrow().status()
                == DirectoryClient.Status.BACKBONE_UNREACHABLE);

        Agent backbone = start(Agent.builder(PilotNode.builder().identity(backboneIdentity)
                .bindAddress("127.0.0.1", backbonePort)).serveBackbone(BackboneSettings.DEFAULTS, null));
        await().atMost(20, TimeUnit.SECONDS).until(() -> alpha.directory().orElseThrow().status()
                == DirectoryClient.Status.REGISTERED);
        Agent beta = member(backbone, "beta", b -> b);

        assertThat(beta.directory().orElseThrow().request("alpha", PORT, Message.of("beta")).get(10, TimeUnit.SECONDS)
                .bodyAsString()).isEqualTo("hello beta");
    }

    @Test
    void aRefusalStillFailsTheStartOfAnAgentThatMayStartWithoutItsBackbone() throws Exception {
        Agent backbone = backbone(BackboneSettings.DEFAULTS.withJoinToken("s3cret"));
        int port = freePort();
        Agent alpha = Agent.builder(node().bindAddress("127.0.0.1", port)).hostname("alpha")
                .backbone(backbone.node().localEndpoint(), backbone.node().publicKey())
                .startWithoutBackbone(Duration.ofSeconds(10)).build();

        assertThatThrownBy(alpha::start).isInstanceOf(IllegalStateException.class)
                .hasCauseInstanceOf(DirectoryException.class);

        assertPortFree(port);
    }

    @Test
    void anEmbeddedBackboneStartsFirstAndIsRegisteredWithItsKeyPinned() throws Exception {
        Path store = Files.createTempDirectory("agent-store");
        Agent solo = start(Agent.builder(node()).hostname("solo")
                .embedBackbone(node(), BackboneSettings.DEFAULTS, store.resolve("directory")));

        assertThat(solo.backbone().orElseThrow().registrations()).isEqualTo(1);
        assertThat(solo.directory().orElseThrow().backboneKey())
                .contains(solo.backbone().orElseThrow().node().publicKey());
        assertThat(solo.backbone().orElseThrow().node()).isNotSameAs(solo.node());

        solo.close();

        assertThat(solo.backbone()).isEmpty();
        assertThat(store.resolve("directory")).isNotEmptyDirectory();
    }

    @Test
    void stopOnTheControlSocketClosesTheAgent() throws Exception {
        Path socket = shortDir().resolve("alone.sock");
        Agent alone = start(Agent.builder(node()).control(socket, commands -> { }));
        assertThat(alone.controlSocket()).contains(socket.toAbsolutePath());
        assertThat(alone.directory()).isEmpty();

        assertThat(call(socket, "{\"command\":\"stop\"}")).contains("\"stopping\":true");

        alone.awaitClosed();
        assertThat(socket).doesNotExist();
    }

    @Test
    void contradictorySettingsAreRefusedBeforeAnythingStarts() {
        InetSocketAddress somewhere = new InetSocketAddress("127.0.0.1", 7400);
        assertThatThrownBy(() -> Agent.builder(node()).backbone(somewhere, null).build())
                .hasMessage("an agent that registers with a backbone needs a hostname");
        assertThatThrownBy(() -> Agent.builder(node()).hostname("a").backbone(somewhere, null)
                .embedBackbone(node(), BackboneSettings.DEFAULTS, null).build())
                .hasMessageContaining("registers with it");
        assertThatThrownBy(() -> Agent.builder(node()).serveBackbone(BackboneSettings.DEFAULTS, null)
                .embedBackbone(node(), BackboneSettings.DEFAULTS, null)).hasMessage("an agent runs one backbone at most");
        assertThatThrownBy(() -> Agent.builder(node()).listen(PORT, MessageHandler.of(in -> in.message()))
                .listen(PORT, MessageHandler.of(in -> in.message()))).hasMessage("port 1200 has a handler already");
        assertThatThrownBy(() -> Agent.builder(node()).build().node()).hasMessage("the agent is not started");
    }

    private Agent backbone(BackboneSettings settings) {
        return start(Agent.builder(node()).serveBackbone(settings, null));
    }

    private Agent member(Agent backbone, String hostname, UnaryOperator<Agent.Builder> customizer) {
        return start(customizer.apply(Agent.builder(node()).hostname(hostname)
                .backbone(backbone.node().localEndpoint(), backbone.node().publicKey())));
    }

    private Agent start(Agent.Builder builder) {
        Agent agent = builder.build();
        agents.add(0, agent);
        return agent.start();
    }

    private static PilotNode.Builder node() {
        return PilotNode.builder().identity(Identity.generate(RANDOM)).bindAddress("127.0.0.1", 0);
    }

    /** Unix socket paths must fit in 108 bytes: JUnit's temporary folders may sit too deep. */
    private Path shortDir() throws IOException {
        if (shortDir == null) {
            shortDir = Files.createTempDirectory(Path.of("/tmp"), "ag");
        }
        return shortDir;
    }

    private static String call(Path socket, String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static int freePort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }

    static void assertPortFree(int port) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }
}
