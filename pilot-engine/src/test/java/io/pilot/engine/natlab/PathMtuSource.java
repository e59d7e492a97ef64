package io.pilot.engine.natlab;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.Message;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The sending end of {@link PathMtuTest}: {@code <sink ip> <sink key> <requests>}. Sends that many 1 MiB requests
 * to a {@link BottleneckSink}, one after the other, then prints {@code PAYLOAD <n>}: the largest packet payload its
 * connection to the sink uses at the end (what the path MTU search settled on), and exits.
 */
public final class PathMtuSource {

    private PathMtuSource() {
    }

    public static void main(String[] args) throws Exception {
        NodeKey sinkKey = NodeKey.parse(args[1]);
        int requests = Integer.parseInt(args[2]);
        PilotNode node = PilotNode.builder().identity(Identity.generate(new SecureRandom()))
                .bindAddress("0.0.0.0", 0).requestTimeout(Duration.ofSeconds(120)).build().start();
        node.connect(sinkKey, new InetSocketAddress(args[0], 7400)).join();
        PilotSocketAddress target = new PilotSocketAddress(sinkKey.address(0), BottleneckSink.PORT);
        Message message = Message.of(new byte[1 << 20]);
        for (int i = 0; i < requests; i++) {
            node.request(target, message).join();
        }
        PeerInfo sink = node.peers().stream().filter(p -> p.address().equals(sinkKey.address(0))).findFirst()
                .orElseThrow();
        System.out.println("PAYLOAD " + sink.transport().maxPacketPayload());
        System.out.flush();
        node.close();
        System.exit(0);
    }
}
