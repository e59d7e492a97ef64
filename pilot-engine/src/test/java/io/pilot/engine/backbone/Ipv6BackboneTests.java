package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.Endpoint;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A backbone and two agents on IPv6 loopback, real sockets: the directory, the relay address and the calls. */
class Ipv6BackboneTests {

    @RegisterExtension
    final Mesh mesh = new Mesh();

    @Test
    void twoAgentsAndABackboneOnIpv6LoopbackRegisterFindPingAndCall() {
        mesh.startBackbone(TestNodes.newIdentity(), HostPort.parseBind("[::1]:0"), BackboneSettings.DEFAULTS,
                DirectoryStore.none());
        DirectoryClient papers = mesh.agent(ipv6Node(), "papers", b -> b.capability("papers.search"));
        PilotNode coordinatorNode = ipv6Node();
        DirectoryClient coordinator = mesh.agent(coordinatorNode, "coordinator", b -> b);
        papers.node().listen(1001, MessageHandler.of(in -> Message.of("found " + in.message().bodyAsString())));

        NodeRecord record = coordinator.lookup("papers").join();
        assertThat(record.address()).isEqualTo(papers.node().address());
        assertThat(record.endpoints()).isNotEmpty().allSatisfy(endpoint -> {
            assertThat(endpoint.address().getAddress()).isInstanceOf(Inet6Address.class);
            // What a user reads parses back to the endpoint the record carries.
            String text = HostPort.format(endpoint.address());
            assertThat(text).startsWith("[::1]:");
            assertThat(HostPort.parse(text)).isEqualTo(endpoint.address());
        });
        assertThat(record.endpoints()).extracting(Endpoint::toString)
                .contains("local " + HostPort.format(papers.node().localEndpoint()),
                        "relay " + HostPort.format(mesh.backboneNode.localEndpoint()));

        assertThat(coordinator.request("papers", 1001, Message.of("noise")).join().bodyAsString()).isEqualTo("found noise");
        assertThat(coordinatorNode.ping(papers.node().address()).join()).isPositive();
        InetSocketAddress path = coordinatorNode.peer(papers.node().address()).orElseThrow().endpoint();
        assertThat(path).isEqualTo(papers.node().localEndpoint());
    }

    @Test
    void anIpv4OnlyAgentAndAnIpv6OnlyAgentTalkThroughADualStackBackbonesRelay() {
        mesh.startBackbone(TestNodes.newIdentity(), HostPort.parseBind("[::]:0"), BackboneSettings.DEFAULTS,
                DirectoryStore.none());
        int port = mesh.backboneNode.localEndpoint().getPort();
        DirectoryClient ipv6 = mesh.agent(ipv6Node(), "v6", b -> b.backbone(HostPort.parse("[::1]:" + port),
                mesh.backboneNode.publicKey()));
        PilotNode ipv4Node = mesh.node();
        DirectoryClient ipv4 = mesh.agent(ipv4Node, "v4", b -> b.backbone(HostPort.parse("127.0.0.1:" + port),
                mesh.backboneNode.publicKey()));
        ipv6.node().listen(1001, MessageHandler.of(in -> Message.of("v6 got " + in.message().bodyAsString())));
        ipv4Node.listen(1001, MessageHandler.of(in -> Message.of("v4 got " + in.message().bodyAsString())));

        // The IPv4 socket cannot send to the IPv6 agent's only direct endpoint: it goes through the relay.
        assertThat(ipv4.request("v6", 1001, Message.of("a")).join().bodyAsString()).isEqualTo("v6 got a");
        assertThat(ipv4Node.peer(ipv6.node().address()).orElseThrow().relayed()).isTrue();
        assertThat(ipv6.request("v4", 1001, Message.of("b")).join().bodyAsString()).isEqualTo("v4 got b");
        assertThat(ipv6.node().peer(ipv4Node.address()).orElseThrow().relayed()).isTrue();
    }

    private PilotNode ipv6Node() {
        return mesh.nodes.start(b -> b.bindAddress("::1", 0));
    }
}
