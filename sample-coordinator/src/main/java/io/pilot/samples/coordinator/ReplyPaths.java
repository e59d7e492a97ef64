package io.pilot.samples.coordinator;

import io.pilot.engine.address.PilotAddress;
import io.pilot.spring.PilotReply;
import io.pilot.spring.runtime.PilotRuntime;

import org.springframework.stereotype.Component;

/**
 * The path a reply came over, in the words of {@code /actuator/pilot}: {@code direct}, {@code relayed}, or
 * {@code relayed over TCP} when this node's datagrams to that peer ride a WebSocket (UDP blocked). A
 * {@link PilotReply} knows direct from relayed; whether the relay is reached over TCP is the peer's, asked here.
 */
@Component
public class ReplyPaths {

    private final PilotRuntime runtime;

    public ReplyPaths(PilotRuntime runtime) {
        this.runtime = runtime;
    }

    String of(PilotReply<?> reply) {
        String path = reply.path().value();
        return overTcp(reply.address()) ? path + " over TCP" : path;
    }

    private boolean overTcp(PilotAddress address) {
        try {
            return runtime.node().peers().stream().anyMatch(peer -> peer.address().equals(address) && peer.overTcp());
        } catch (IllegalStateException e) {
            return false; // stopping: no peers to ask
        }
    }
}
