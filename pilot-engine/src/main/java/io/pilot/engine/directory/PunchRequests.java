package io.pilot.engine.directory;

import io.pilot.engine.PeerContact;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.codec.BinaryWriter;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hole punching through the backbone: asks it to have a target send handshakes at this node while this node
 * sends at the target, and answers such requests from others the same way. Both sides sending at once is
 * what opens a path through NATs.
 */
final class PunchRequests {

    private static final Logger log = LoggerFactory.getLogger(PunchRequests.class);

    private final PilotNode node;
    private final BackboneLink backbone;
    private final BooleanSupplier registered;

    /** @param registered whether this node is registered: the backbone only relays punches between registered nodes */
    PunchRequests(PilotNode node, BackboneLink backbone, BooleanSupplier registered) {
        this.node = node;
        this.backbone = backbone;
        this.registered = registered;
    }

    /** Asks the backbone to tell the target to send handshakes at us too. Best effort: failures are only logged. */
    void request(PilotAddress target) {
        if (backbone.address().isEmpty() || backbone.isBackbone(target) || !registered.getAsBoolean()) {
            return;
        }
        backbone.send(new BinaryWriter().u8(DirectoryProtocol.OP_PUNCH).u16(target.realm()).u64(target.node()).toBytes())
                .whenComplete((reply, error) -> {
                    if (error != null) {
                        log.debug("punch request for {} failed: {}", target, BackboneCall.unwrap(error).getMessage());
                    }
                });
    }

    /**
     * Another node asked the backbone for a path to us: send handshakes its way at the same time, to the one
     * endpoint the backbone saw it at (its NAT's outside, where its own session with the backbone runs). The
     * endpoints in the requester's record are its own word: punching them would let any registered node aim
     * this node's handshakes at an address of its choosing. Without an observed endpoint there is nothing
     * safe to aim at. The requester reaches this node's published endpoints itself, which is what a LAN needs.
     * One request costs at most one handshake attempt to the requester itself (its INIT retransmissions),
     * and none while one is already running or a session is up.
     */
    void punchBack(NodeRecord requester, InetSocketAddress observed) {
        if (requester.realm() != node.address().realm() || observed == null
                || node.peer(requester.address()).map(PeerInfo::established).orElse(false)) {
            return; // already connected: the punch must not move a working path
        }
        node.connect(new PeerContact(requester.key(), List.of(observed)))
                .whenComplete((peer, error) -> log.debug("punch towards {} at {}: {}", requester.address(), observed,
                        error == null ? "connected" : BackboneCall.unwrap(error).getMessage()));
    }
}
