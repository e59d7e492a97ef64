package io.pilot.samples;

import io.pilot.engine.Message;
import io.pilot.engine.MessageHandler;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.identity.Identity;

import java.security.SecureRandom;
import java.time.Duration;

/**
 * Two nodes on loopback: a coordinator and a citation specialist. They shake hands over one encrypted
 * UDP tunnel, the coordinator pings the specialist and asks it to resolve a DOI. Stands in as the main
 * job until the research fleet (coordinator, backbone, three specialists) exists.
 */
public final class TwoNodeDemo {

    private static final int CITATIONS = 1001;

    private TwoNodeDemo() {
    }

    public static void main(String[] args) throws Exception {
        SecureRandom random = new SecureRandom();
        try (PilotNode coordinator = node(random); PilotNode papers = node(random)) {
            papers.listen(CITATIONS, MessageHandler.of(in -> Message.of("specialist-papers got '"
                    + in.message().bodyAsString() + "' from " + in.from() + ", authenticated by its key")));
            System.out.printf("coordinator        %s  udp %s%n", coordinator.address(), coordinator.localEndpoint());
            System.out.printf("specialist-papers  %s  udp %s%n", papers.address(), papers.localEndpoint());

            coordinator.connect(papers.publicKey(), papers.localEndpoint()).join();
            for (int i = 0; i < 3; i++) {
                Duration rtt = coordinator.ping(papers.address()).join();
                System.out.printf("✓ reply from %s · %.3fms%n", papers.address(), rtt.toNanos() / 1e6);
            }
            String doi = "10.1145/3133956";
            Message answer = coordinator.request(new PilotSocketAddress(papers.address(), CITATIONS), Message.of(doi)).join();
            System.out.printf("request %s → %s%n", doi, answer.bodyAsString());
        }
    }

    private static PilotNode node(SecureRandom random) {
        return PilotNode.builder().identity(Identity.generate(random)).bindAddress("127.0.0.1", 0).build().start();
    }

}
