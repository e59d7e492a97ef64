package io.pilot.engine.directory;

import io.pilot.engine.PeerContact;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.codec.BinaryWriter;

import java.net.InetSocketAddress;
import java.util.ArrayList;
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

    /** A punch request makes this node send handshakes; bound how many places one request can aim them at. */
    static final int MAX_PUNCH_TARGETS = 8;

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

    /** Another node asked the backbone for a path to us: send handshakes its way at the same time. */
    void punchBack(NodeRecord requester, InetSocketAddress observed) {
        if (requester.realm() != node.address().realm()
                || node.peer(requester.address()).map(PeerInfo::established).orElse(false)) {
            return; // already connected: the punch must not move a working path
        }
        List<InetSocketAddress> targets = targets(requester, observed);
        if (targets.isEmpty()) {
            return;
        }
        node.connect(new PeerContact(requester.key(), targets))
                .whenComplete((peer, error) -> log.debug("punch towards {}: {}", requester.address(),
                        error == null ? "connected" : BackboneCall.unwrap(error).getMessage()));
    }

    /**
     * Where to send handshakes at a requester: first where the backbone saw it (its NAT's outside), then its
     * own direct endpoints; never its relay, at most {@link #MAX_PUNCH_TARGETS}.
     */
    static List<InetSocketAddress> targets(NodeRecord requester, InetSocketAddress observed) {
        List<InetSocketAddress> endpoints = new ArrayList<>();
        if (observed != null) {
            endpoints.add(observed);
        }
        requester.endpoints().stream().filter(e -> e.kind() != Endpoint.Kind.RELAY).forEach(e -> endpoints.add(e.address()));
        return endpoints.stream().distinct().limit(MAX_PUNCH_TARGETS).toList();
    }
}
