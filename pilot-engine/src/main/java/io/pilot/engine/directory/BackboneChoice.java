package io.pilot.engine.directory;

import io.pilot.engine.address.PilotAddress;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Which of the realm's backbones a node tries: the listed order, starting from one picked by the node's address
 * (a hash), so that the nodes of a realm spread over its backbones, and each node comes back to the same one after
 * a restart (its record is then re-put by the backbone that already holds it). After a failure the next one in
 * the list; a success ends the round. Testable alone.
 */
final class BackboneChoice {

    private final List<InetSocketAddress> endpoints;
    private int current;
    /** Backbones tried without success since the last success. */
    private int failedInARow;

    /**
     * @throws IllegalArgumentException if {@code endpoints} is empty
     */
    BackboneChoice(List<InetSocketAddress> endpoints, PilotAddress node) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a directory client needs at least one backbone endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
        this.current = Math.floorMod(Long.hashCode(node.node()), endpoints.size());
    }

    synchronized InetSocketAddress current() {
        return endpoints.get(current);
    }

    /**
     * The current backbone failed: moves to the next. Returns whether that one has not failed since the last
     * success.
     */
    synchronized boolean next() {
        failedInARow++;
        current = (current + 1) % endpoints.size();
        boolean untried = failedInARow < endpoints.size();
        if (!untried) {
            failedInARow = 0; // a new round: after the caller's wait, every backbone is worth another try
        }
        return untried;
    }

    /** The current backbone answered. */
    synchronized void succeeded() {
        failedInARow = 0;
    }
}
