package io.pilot.engine.control;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.group.GroupMessaging;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import tools.jackson.databind.JsonNode;

import static io.pilot.engine.control.ControlServerTests.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** Every command against real nodes registered with a real backbone, through the socket as pilotctl uses it. */
class ControlCommandsTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    @RegisterExtension
    final ShortTempDir temp = new ShortTempDir();

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Queue<String> betaReceived = new ConcurrentLinkedQueue<>();
    private DirectoryClient alpha;
    private DirectoryClient beta;
    private Path socket;
    private ControlServer server;

    @BeforeEach
    void startRealm() throws Exception {
        PilotNode backboneNode = nodes.start();
        closeables.add(0, Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none()));
        alpha = agent(backboneNode, "alpha", "papers.search");
        beta = agent(backboneNode, "beta", "papers.search");
        closeables.add(0, beta.node().listen(1001, MessageHandler.of(in -> {
            betaReceived.add(in.message().bodyAsString());
            return Message.empty();
        })));
        ControlCommands commands = ControlCommands.builder(alpha.node()).directory(alpha)
                .groups(GroupMessaging.of(alpha)).identityPath(Path.of("/keys/alpha.key")).build();
        server = ControlServer.start(temp.dir().resolve("alpha.sock"), commands);
        closeables.add(0, server);
        socket = server.socketPath();
    }

    private DirectoryClient agent(PilotNode backboneNode, String hostname, String capability) {
        DirectoryClient client = DirectoryClient.builder(nodes.start()).hostname(hostname).capability(capability)
                .group("RESEARCH").backbone(backboneNode.localEndpoint(), backboneNode.publicKey()).build();
        closeables.add(0, client);
        client.start().join();
        return client;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    private JsonNode ok(String request) {
        JsonNode last = ControlClient.last(socket, request);
        assertThat(last.path("status").stringValue()).as(last.toString()).isEqualTo("ok");
        return last.path("data");
    }

    @Test
    void info() {
        JsonNode info = ok("{\"command\":\"info\"}");

        assertThat(info.path("address").stringValue()).isEqualTo(alpha.node().address().toString());
        assertThat(info.path("hostname").stringValue()).isEqualTo("alpha");
        assertThat(info.path("realm").intValue()).isZero();
        assertThat(info.path("udpEndpoint").stringValue()).isEqualTo("127.0.0.1:" + alpha.node().localEndpoint().getPort());
        assertThat(info.path("publicKey").stringValue()).isEqualTo(alpha.node().publicKey().toString());
        assertThat(info.path("backbone").path("status").stringValue()).isEqualTo("REGISTERED");
        assertThat(info.path("capabilities").toString()).isEqualTo("[\"papers.search\"]");
        assertThat(info.path("groups").toString()).isEqualTo("[\"RESEARCH\"]");
        assertThat(info.path("sessions").intValue()).isPositive();
    }

    @Test
    void identityAndStatus() {
        JsonNode identity = ok("{\"command\":\"identity\"}");
        JsonNode status = ok("{\"command\":\"status\"}");

        assertThat(identity.path("address").stringValue()).isEqualTo(alpha.node().address().toString());
        assertThat(identity.path("publicKey").stringValue()).isEqualTo(alpha.node().publicKey().toString());
        assertThat(identity.path("identityFile").stringValue()).isEqualTo("/keys/alpha.key");
        assertThat(status.path("sessions").intValue()).isPositive();
        assertThat(status.path("backbone").path("status").stringValue()).isEqualTo("REGISTERED");
    }

    @Test
    void pingByHostnameStreamsEachReplyThenTheSummary() {
        List<JsonNode> lines = ControlClient.call(socket,
                "{\"command\":\"ping\",\"args\":{\"target\":\"beta\",\"count\":3,\"intervalMillis\":0}}");

        assertThat(lines).hasSize(4);
        for (int seq = 1; seq <= 3; seq++) {
            JsonNode progress = lines.get(seq - 1);
            assertThat(progress.path("status").stringValue()).isEqualTo("progress");
            assertThat(progress.path("data").path("seq").intValue()).isEqualTo(seq);
            assertThat(progress.path("data").path("target").stringValue()).isEqualTo("beta");
            assertThat(progress.path("data").path("address").stringValue()).isEqualTo(beta.node().address().toString());
            assertThat(progress.path("data").path("rttMillis").isNumber()).isTrue();
        }
        JsonNode summary = lines.get(3);
        assertThat(summary.path("status").stringValue()).isEqualTo("ok");
        assertThat(summary.path("data").path("sent").intValue()).isEqualTo(3);
        assertThat(summary.path("data").path("received").intValue()).isEqualTo(3);
        assertThat(summary.path("data").path("lossPercent").doubleValue()).isZero();
        assertThat(summary.path("data").path("minMillis").doubleValue())
                .isLessThanOrEqualTo(summary.path("data").path("avgMillis").doubleValue());
        assertThat(summary.path("data").path("avgMillis").doubleValue())
                .isLessThanOrEqualTo(summary.path("data").path("maxMillis").doubleValue());
    }

    @Test
    void pingByAddress() {
        String address = beta.node().address().toString();

        JsonNode summary = ok("{\"command\":\"ping\",\"args\":{\"target\":\"" + address + "\"}}");

        assertThat(summary.path("received").intValue()).isEqualTo(1);
        assertThat(summary.path("address").stringValue()).isEqualTo(address);
    }

    @Test
    void pingOfAnUnknownHostnameIsNotFound() {
        assertError(ControlClient.last(socket, "{\"command\":\"ping\",\"args\":{\"target\":\"nobody\"}}"), "NOT_FOUND");
    }

    @Test
    void pingThatNothingAnswersIsUnreachable() {
        String absent = TestNodes.newIdentity().publicKey().address(0).toString();

        List<JsonNode> lines = ControlClient.call(socket,
                "{\"command\":\"ping\",\"args\":{\"target\":\"" + absent + "\",\"count\":2,\"intervalMillis\":0}}");

        assertThat(lines).hasSize(3);
        for (int seq = 1; seq <= 2; seq++) {
            JsonNode lost = lines.get(seq - 1).path("data");
            assertThat(lost.path("seq").intValue()).isEqualTo(seq);
            assertThat(lost.path("lost").booleanValue()).isTrue();
            assertThat(lost.path("reason").stringValue()).isNotBlank();
        }
        assertError(lines.get(2), "UNREACHABLE");
    }

    @Test
    void pingWithCountZeroRunsUntilItsClientHangsUp() throws Exception {
        try (ControlClient.Stream ping = ControlClient.open(socket,
                "{\"command\":\"ping\",\"args\":{\"target\":\"beta\",\"count\":0,\"intervalMillis\":50}}")) {
            for (int seq = 1; seq <= 3; seq++) {
                assertThat(ping.next().path("data").path("seq").intValue()).isEqualTo(seq);
            }
            assertThat(server.longRunningCommands()).isEqualTo(1);
        }

        await().until(() -> server.longRunningCommands() == 0);
    }

    @Test
    void peersShowTheSessionsWithHostnamesAndPaths() {
        ok("{\"command\":\"ping\",\"args\":{\"target\":\"beta\"}}");

        JsonNode peers = ok("{\"command\":\"peers\"}").path("peers");

        JsonNode betaPeer = null;
        for (JsonNode peer : peers) {
            if (peer.path("address").stringValue().equals(beta.node().address().toString())) {
                betaPeer = peer;
            }
        }
        assertThat(betaPeer).as(peers.toString()).isNotNull();
        assertThat(betaPeer.path("hostname").stringValue()).isEqualTo("beta");
        assertThat(betaPeer.path("backbone").booleanValue()).isFalse();
        JsonNode backbonePeer = null;
        for (JsonNode peer : peers) {
            if (peer.path("address").stringValue().equals(alpha.backbone().orElseThrow().toString())) {
                backbonePeer = peer;
            }
        }
        assertThat(backbonePeer).as("the backbone is a peer: " + peers).isNotNull();
        assertThat(backbonePeer.path("backbone").booleanValue()).as(backbonePeer.toString()).isTrue();
        assertThat(backbonePeer.path("hostname").isNull()).as("it holds no record").isTrue();
        assertThat(betaPeer.path("established").booleanValue()).isTrue();
        assertThat(betaPeer.path("path").stringValue()).isEqualTo("direct");
        assertThat(betaPeer.path("pathReason").isString()).isTrue();
        assertThat(betaPeer.path("endpoint").stringValue()).isEqualTo("127.0.0.1:" + beta.node().localEndpoint().getPort());
        assertThat(betaPeer.path("bytesIn").longValue()).isPositive();
        assertThat(betaPeer.path("bytesOut").longValue()).isPositive();
        // The ping was answered, so the session has an RTT sample: in microseconds, and in ms as before.
        assertThat(betaPeer.path("rttMicros").isIntegralNumber()).as(betaPeer.toString()).isTrue();
        assertThat(betaPeer.path("rttMicros").longValue()).isPositive();
        assertThat(betaPeer.path("rttMillis").doubleValue() * 1000).isCloseTo(betaPeer.path("rttMicros").doubleValue(),
                within(1.0));
    }

    @Test
    void findByHostnameCapabilityAndGroup() {
        JsonNode byHostname = ok("{\"command\":\"find\",\"args\":{\"hostname\":\"beta\"}}").path("records");
        JsonNode byCapability = ok("{\"command\":\"find\",\"args\":{\"capability\":\"papers.search\"}}").path("records");
        JsonNode byGroup = ok("{\"command\":\"find\",\"args\":{\"group\":\"RESEARCH\"}}").path("records");

        assertThat(byHostname).hasSize(1);
        JsonNode record = byHostname.get(0);
        assertThat(record.path("hostname").stringValue()).isEqualTo("beta");
        assertThat(record.path("address").stringValue()).isEqualTo(beta.node().address().toString());
        assertThat(record.path("capabilities").toString()).isEqualTo("[\"papers.search\"]");
        assertThat(record.path("groups").toString()).isEqualTo("[\"RESEARCH\"]");
        assertThat(record.path("endpoints").get(0).path("kind").stringValue()).isNotBlank();
        assertThat(hostnames(byCapability)).containsExactlyInAnyOrder("alpha", "beta");
        assertThat(hostnames(byGroup)).containsExactlyInAnyOrder("alpha", "beta");
        assertThat(ok("{\"command\":\"find\",\"args\":{\"capability\":\"nothing.here\"}}").path("records")).isEmpty();
    }

    @Test
    void findNeedsExactlyOneQueryAndSaysWhenNothingMatches() {
        assertError(ControlClient.last(socket, "{\"command\":\"find\",\"args\":{}}"), "BAD_REQUEST");
        assertError(ControlClient.last(socket,
                "{\"command\":\"find\",\"args\":{\"hostname\":\"beta\",\"group\":\"RESEARCH\"}}"), "BAD_REQUEST");
        assertError(ControlClient.last(socket, "{\"command\":\"find\",\"args\":{\"hostname\":\"nobody\"}}"), "NOT_FOUND");
        assertError(ControlClient.last(socket, "{\"command\":\"find\",\"args\":{\"hostname\":\"Not A Name!\"}}"),
                "BAD_REQUEST");
    }

    @Test
    void groups() {
        assertThat(ok("{\"command\":\"groups\"}").path("groups").toString()).isEqualTo("[\"RESEARCH\"]");
    }

    @Test
    void broadcastReachesTheOtherMembers() {
        JsonNode result = ok("{\"command\":\"broadcast\",\"args\":{\"group\":\"RESEARCH\",\"port\":1001,\"message\":\"new paper\"}}");

        assertThat(result.path("group").stringValue()).isEqualTo("RESEARCH");
        assertThat(hostnames(result.path("delivered"))).containsExactly("beta");
        assertThat(result.path("failed")).isEmpty();
        await().until(() -> betaReceived.contains("new paper"));
    }

    @Test
    void sendToAHostname() {
        JsonNode result = ok("{\"command\":\"send\",\"args\":{\"target\":\"beta\",\"port\":1001,\"data\":\"hello beta\"}}");

        assertThat(result.path("address").stringValue()).isEqualTo(beta.node().address().toString());
        assertThat(result.path("bytes").intValue()).isEqualTo("hello beta".length());
        await().until(() -> betaReceived.contains("hello beta"));
    }

    @Test
    void sendNeedsAPortInRange() {
        assertError(ControlClient.last(socket,
                "{\"command\":\"send\",\"args\":{\"target\":\"beta\",\"port\":70000,\"data\":\"x\"}}"), "BAD_REQUEST");
        assertError(ControlClient.last(socket,
                "{\"command\":\"send\",\"args\":{\"target\":\"beta\",\"data\":\"x\"}}"), "BAD_REQUEST");
    }

    @Test
    void joinAndLeaveChangeTheGroupsThatOthersSee() {
        assertThat(ok("{\"command\":\"join\",\"args\":{\"group\":\"FINANCE\"}}").path("groups").toString())
                .isEqualTo("[\"FINANCE\",\"RESEARCH\"]");
        assertThat(hostnames(ok("{\"command\":\"find\",\"args\":{\"group\":\"FINANCE\"}}").path("records")))
                .containsExactly("alpha");

        assertThat(ok("{\"command\":\"leave\",\"args\":{\"group\":\"RESEARCH\"}}").path("groups").toString())
                .isEqualTo("[\"FINANCE\"]");
        assertThat(hostnames(ok("{\"command\":\"find\",\"args\":{\"group\":\"RESEARCH\"}}").path("records")))
                .containsExactly("beta");
        assertThat(ok("{\"command\":\"groups\"}").path("groups").toString()).isEqualTo("[\"FINANCE\"]");
    }

    @Test
    void joinAndLeaveRefuseWhatTheyCannotDoAndChangeNothing() {
        beta.createGroup("TRADING", GroupPolicy.TOKEN, "desk-42".getBytes(StandardCharsets.UTF_8)).join();

        assertError(ControlClient.last(socket, "{\"command\":\"join\",\"args\":{\"group\":\"TRADING\"}}"), "DENIED");
        assertError(ControlClient.last(socket, "{\"command\":\"join\",\"args\":{\"group\":\"not a group\"}}"),
                "BAD_REQUEST");
        assertError(ControlClient.last(socket, "{\"command\":\"leave\",\"args\":{\"group\":\"FINANCE\"}}"), "NOT_FOUND");
        assertThat(ok("{\"command\":\"groups\"}").path("groups").toString()).isEqualTo("[\"RESEARCH\"]");

        assertThat(ok("{\"command\":\"join\",\"args\":{\"group\":\"TRADING\",\"token\":\"desk-42\"}}")
                .path("groups").toString()).isEqualTo("[\"RESEARCH\",\"TRADING\"]");
    }

    @Test
    void listenStreamsEachMessageUntilTheCountThenGivesThePortBack() throws Exception {
        PilotSocketAddress service = new PilotSocketAddress(alpha.node().address(), 1500);
        try (ControlClient.Stream listen = ControlClient.open(socket,
                "{\"command\":\"listen\",\"args\":{\"port\":1500,\"count\":2}}")) {
            JsonNode listening = listen.next();
            assertThat(listening.path("data").path("event").stringValue()).isEqualTo("listening");
            assertThat(listening.path("data").path("port").intValue()).isEqualTo(1500);

            beta.node().request(service, Message.of("question")).join();
            beta.node().send(service, Message.of(new byte[] {(byte) 0xFF, 0})).join();

            JsonNode first = listen.next().path("data");
            assertThat(first.path("event").stringValue()).isEqualTo("message");
            assertThat(first.path("from").stringValue()).isEqualTo(beta.node().address().toString());
            assertThat(first.path("text").stringValue()).isEqualTo("question");
            assertThat(first.path("request").booleanValue()).isTrue();
            JsonNode second = listen.next().path("data");
            assertThat(second.path("bytes").intValue()).isEqualTo(2);
            assertThat(second.path("text").isNull()).as("not UTF-8: no text").isTrue();
            JsonNode done = listen.next();
            assertThat(done.path("status").stringValue()).isEqualTo("ok");
            assertThat(done.path("data").path("received").intValue()).isEqualTo(2);
        }
        alpha.node().listen(1500, MessageHandler.of(in -> Message.empty())).close();
    }

    @Test
    void aListenerIsRemovedWhenItsClientHangsUp() throws Exception {
        try (ControlClient.Stream listen = ControlClient.open(socket, "{\"command\":\"listen\",\"args\":{\"port\":1501}}")) {
            assertThat(listen.next().path("data").path("event").stringValue()).isEqualTo("listening");
            assertError(ControlClient.last(socket, "{\"command\":\"listen\",\"args\":{\"port\":1501}}"), "PORT_IN_USE");
        }

        await().until(() -> portIsFree(1501));
    }

    @Test
    void aListenerEndsWhenTheServerCloses() throws Exception {
        try (ControlClient.Stream listen = ControlClient.open(socket, "{\"command\":\"listen\",\"args\":{\"port\":1502}}")) {
            assertThat(listen.next().path("data").path("event").stringValue()).isEqualTo("listening");

            server.close();

            JsonNode done = listen.next();
            assertThat(done.path("status").stringValue()).isEqualTo("ok");
            assertThat(done.path("data").path("received").intValue()).isZero();
        }
        assertThat(portIsFree(1502)).isTrue();
    }

    @Test
    void listenOnAPortTheNodeServesItselfIsRefused() {
        assertError(ControlClient.last(socket, "{\"command\":\"listen\",\"args\":{\"port\":7}}"), "PORT_IN_USE");
        assertError(ControlClient.last(socket, "{\"command\":\"listen\",\"args\":{\"port\":-1}}"), "BAD_REQUEST");
    }

    @Test
    void benchSendsEveryByteToTheDiscardServiceAndReportsTheRate() {
        JsonNode result = ok("{\"command\":\"bench\",\"args\":{\"target\":\"beta\",\"bytes\":1000001,"
                + "\"messageBytes\":100000,\"inFlight\":4}}");

        assertThat(result.path("address").stringValue()).isEqualTo(beta.node().address().toString());
        assertThat(result.path("bytes").longValue()).isEqualTo(1_000_001);
        assertThat(result.path("messages").intValue()).isEqualTo(11);
        assertThat(result.path("mibPerSecond").doubleValue()).isPositive();
        assertThat(result.path("elapsedMillis").doubleValue()).isPositive();
    }

    @Test
    void benchOfAnUnknownTargetSendsNothing() {
        assertError(ControlClient.last(socket, "{\"command\":\"bench\",\"args\":{\"target\":\"nobody\"}}"), "NOT_FOUND");
        assertError(ControlClient.last(socket, "{\"command\":\"bench\",\"args\":{\"target\":\"beta\",\"bytes\":0}}"),
                "BAD_REQUEST");
    }

    private boolean portIsFree(int port) throws Exception {
        try {
            alpha.node().listen(port, MessageHandler.of(in -> Message.empty())).close();
            return true;
        } catch (IllegalStateException taken) {
            return false;
        }
    }

    private static List<String> hostnames(JsonNode records) {
        List<String> names = new ArrayList<>();
        records.forEach(r -> names.add(r.path("hostname").stringValue()));
        return names;
    }
}
