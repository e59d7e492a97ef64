package io.pilot.engine.backbone;

import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.SignedRecord;
import java.util.TreeSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol.Query;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DirectoryTests {

    @RegisterExtension
    final Mesh mesh = new Mesh();

    @Test
    void agentsRegisterAreFoundByHostnameCapabilityAndGroupAndTalkDirectly() {
        mesh.startBackbone(BackboneSettings.DEFAULTS, DirectoryStore.none());
        DirectoryClient papers = mesh.agent("specialist-papers", b -> b
                .capability(new CapabilityInfo("papers.resolve-citation", Map.of("version", "1"))).group("RESEARCH"));
        DirectoryClient fx = mesh.agent("specialist-fx", b -> b.capability("fx.rate").group("RESEARCH").group("TRADING"));
        PilotNode coordinatorNode = mesh.node();
        DirectoryClient coordinator = mesh.agent(coordinatorNode, "coordinator", b -> b);
        PilotNode papersNode = papers.node();
        papersNode.listen(1001, MessageHandler.of(in -> Message.of("citation for " + in.message().bodyAsString())));

        NodeRecord byName = coordinator.lookup("specialist-papers").join();
        assertThat(byName.address()).isEqualTo(papersNode.address());
        assertThat(byName.capabilities()).containsExactly(new CapabilityInfo("papers.resolve-citation", Map.of("version", "1")));
        assertThat(coordinator.find("papers.resolve-citation").join()).extracting(NodeRecord::hostname)
                .containsExactly("specialist-papers");
        assertThat(coordinator.members("RESEARCH").join()).extracting(NodeRecord::hostname)
                .containsExactlyInAnyOrder("specialist-papers", "specialist-fx");
        assertThat(coordinator.members("TRADING").join()).extracting(NodeRecord::hostname).containsExactly("specialist-fx");
        assertThat(coordinator.lookup(fx.record().orElseThrow().address()).join().hostname()).isEqualTo("specialist-fx");

        // The call goes straight to the specialist: the coordinator had never met it.
        Message reply = coordinator.request("specialist-papers", 1001, Message.of("10.1145/3133956")).join();
        assertThat(reply.bodyAsString()).isEqualTo("citation for 10.1145/3133956");
        assertThat(coordinatorNode.peer(papersNode.address()).orElseThrow().endpoint()).isEqualTo(papersNode.localEndpoint());
        // And by address, through the node's own API: the directory resolves it.
        assertThat(coordinatorNode.request(new PilotSocketAddress(fx.record().orElseThrow().address(), 7), Message.of("x"))
                .join().bodyAsString()).isEqualTo("x");
    }

    @Test
    void unknownNamesAreNotFound() {
        mesh.startBackbone(BackboneSettings.DEFAULTS, DirectoryStore.none());
        DirectoryClient coordinator = mesh.agent("coordinator", b -> b);
        assertThatThrownBy(() -> coordinator.lookup("nobody").join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(DirectoryException.class,
                        e -> assertThat(e.error()).isEqualTo(DirectoryError.NOT_FOUND)).hasMessageContaining("'nobody'");
        assertThat(coordinator.find("nothing.here").join()).isEmpty();
    }

    @Test
    void watchersHearJoinsUpdatesAndLeavesInOrder() {
        mesh.startBackbone(BackboneSettings.DEFAULTS, DirectoryStore.none());
        DirectoryClient watcher = mesh.agent("watcher", b -> b);
        List<String> events = new CopyOnWriteArrayList<>();
        watcher.watch(Query.CAPABILITY, "fx.rate", new DirectoryClient.WatchListener() {
            @Override
            public void joined(NodeRecord record) {
                events.add("join " + record.hostname());
            }

            @Override
            public void updated(NodeRecord record) {
                events.add("update " + record.hostname());
            }

            @Override
            public void left(NodeRecord record) {
                events.add("leave " + record.hostname());
            }
        }).join();
        DirectoryClient fx1 = mesh.agent("fx-1", b -> b.capability("fx.rate"));
        DirectoryClient fx2 = mesh.agent("fx-2", b -> b.capability("fx.rate"));
        mesh.agent("papers", b -> b.capability("papers.search"));
        fx1.close();
        fx2.close();
        // Registering publishes the local endpoint, then the reflexive one: a join and an update each,
        // unless both are the same endpoint (loopback), which makes one join.
        await().atMost(5, TimeUnit.SECONDS).until(() -> events.stream().filter(e -> e.startsWith("leave")).count() == 2);
        assertThat(events).filteredOn(e -> !e.startsWith("update"))
                .containsExactly("join fx-1", "join fx-2", "leave fx-1", "leave fx-2");
    }

    @Test
    void aLapsedLeaseRemovesTheRecordAndACleanShutdownRemovesItAtOnce() {
        mesh.startBackbone(BackboneSettings.DEFAULTS.withLeaseTtl(Duration.ofMillis(600)), DirectoryStore.none());
        DirectoryClient coordinator = mesh.agent("coordinator", b -> b);
        DirectoryClient crashing = mesh.agent("crashing", b -> b.capability("x.y"));
        DirectoryClient leaving = mesh.agent("leaving", b -> b.capability("x.y"));
        assertThat(coordinator.find("x.y").join()).hasSize(2);

        leaving.close();
        assertThat(coordinator.find("x.y").join()).extracting(NodeRecord::hostname).containsExactly("crashing");

        // Heartbeats keep a live node registered well past one lease...
        await().pollDelay(1200, TimeUnit.MILLISECONDS).atMost(3, TimeUnit.SECONDS)
                .until(() -> coordinator.find("x.y").join().size() == 1);
        // ...and a node that dies without a word lapses.
        crashing.node().close();
        await().atMost(5, TimeUnit.SECONDS).until(() -> coordinator.find("x.y").join().isEmpty());
        assertThat(mesh.backbone.registrations()).isEqualTo(1);
    }

    @Test
    void aNodeWhoseClockIsBehindItsLastRecordStillRegisters() {
        mesh.startBackbone(BackboneSettings.DEFAULTS, DirectoryStore.none());
        PilotNode node = mesh.node();
        // A record from "the future" (an earlier run with a clock ahead) is held by the backbone.
        long ahead = System.currentTimeMillis() + 3_600_000;
        NodeRecord future = new NodeRecord(0, node.publicKey(),
                "skewed", List.of(), new TreeSet<>(), List.of(), ahead, System.currentTimeMillis() + 600_000);
        node.connect(mesh.backboneNode.publicKey(), mesh.backboneNode.localEndpoint()).join();
        byte[] request = new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER)
                .string8("").u8(0).bytes16(SignedRecord.sign(future, node.identity()).toBytes()).toBytes();
        node.request(new PilotSocketAddress(mesh.backboneNode.address(), DirectoryProtocol.PORT),
                Message.of(request)).join();

        DirectoryClient client = mesh.agent(node, "skewed", b -> b.capability("clock.skew"));
        assertThat(client.record().orElseThrow().sequence()).isGreaterThan(ahead);
        assertThat(client.find("clock.skew").join()).hasSize(1);
    }

    @Test
    void anAgentThatLivesForMillisecondsIsDiscoverableAndGone() {
        mesh.startBackbone(BackboneSettings.DEFAULTS, DirectoryStore.none());
        DirectoryClient observer = mesh.agent("observer", b -> b);
        for (int i = 0; i < 5; i++) {
            DirectoryClient ephemeral = mesh.agent("ephemeral-" + i, b -> b.capability("burst.task"));
            assertThat(observer.find("burst.task").join()).extracting(NodeRecord::hostname).containsExactly("ephemeral-" + i);
            ephemeral.close();
            assertThat(observer.find("burst.task").join()).isEmpty();
        }
    }
}
