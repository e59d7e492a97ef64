package io.pilot.engine.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.Endpoint;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.message.Message;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attacks on paths over real sockets: a packet from an address the peer never proved, a peer table flooded
 * with peers that come once, and PUNCH requests aimed at addresses the requester chose. Each victim keeps
 * serving its legitimate peers, and what the attacker gets out of it is bounded.
 */
class PathAttackTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private Backbone backbone;
    private DirectoryClient directoryClient;

    @AfterEach
    void stopDirectory() {
        if (directoryClient != null) {
            directoryClient.close();
        }
        if (backbone != null) {
            backbone.close();
        }
    }

    /**
     * A registered node publishes a bystander's address as its own endpoint and asks the backbone to have a
     * target punch towards it: the target punches only where the backbone saw the requester, so the
     * requester gets its handshake and the bystander gets nothing.
     */
    @Test
    void punchGoesOnlyWhereTheBackboneSawTheRequester() throws Exception {
        PilotNode backboneNode = nodes.start();
        backbone = Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none());
        PilotNode target = nodes.start();
        directoryClient = DirectoryClient.builder(target).hostname("target")
                .backbone(backboneNode.localEndpoint(), backboneNode.publicKey()).build();
        directoryClient.start().join();
        PilotNode attacker = nodes.start();
        attacker.connect(backboneNode.publicKey(), backboneNode.localEndpoint()).join();
        try (DatagramSocket bystander = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            NodeRecord lie = new NodeRecord(0, attacker.publicKey(), "attacker", List.of(), new TreeSet<>(),
                    List.of(new Endpoint(Endpoint.Kind.LOCAL, (InetSocketAddress) bystander.getLocalSocketAddress())),
                    System.currentTimeMillis(), System.currentTimeMillis() + 3_600_000);
            byte[] register = new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER).string8("").u8(0)
                    .bytes16(SignedRecord.sign(lie, attacker.identity()).toBytes()).toBytes();
            DirectoryProtocol.readReply(directory(attacker, backboneNode, register));
            byte[] punch = new BinaryWriter().u8(DirectoryProtocol.OP_PUNCH).u16(target.address().realm())
                    .u64(target.address().node()).toBytes();
            DirectoryProtocol.readReply(directory(attacker, backboneNode, punch));

            // The target's handshake reached the requester where the backbone saw it...
            await().atMost(10, TimeUnit.SECONDS).until(() -> attacker.peer(target.address())
                    .map(PeerInfo::established).orElse(false));
            // ... and its INITs to every punch target leave at once, so any to the bystander left with it.
            bystander.setSoTimeout(500);
            DatagramPacket received = new DatagramPacket(new byte[2048], 2048);
            boolean reached;
            try {
                bystander.receive(received);
                reached = true;
            } catch (SocketTimeoutException expected) {
                reached = false;
            }
            assertThat(reached).as("the target sent %s bytes to the address the requester chose", received.getLength())
                    .isFalse();
        }
    }

    private static byte[] directory(PilotNode from, PilotNode backboneNode, byte[] body) {
        return from.request(new PilotSocketAddress(backboneNode.address(), DirectoryProtocol.PORT), Message.of(body))
                .join().body();
    }
}
