package io.pilot.engine;

import io.pilot.engine.address.PilotAddress;

import java.util.concurrent.CompletableFuture;

/**
 * Finds how to reach a node the local node has not met: the directory client installs one so that
 * {@link PilotNode#request} to any registered address just works.
 */
@FunctionalInterface
public interface PeerResolver {

    /** Completes with the node's contact, or exceptionally if it cannot be found. */
    CompletableFuture<PeerContact> resolve(PilotAddress address);
}
