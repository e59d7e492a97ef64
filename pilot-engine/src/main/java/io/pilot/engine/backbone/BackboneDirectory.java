package io.pilot.engine.backbone;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The backbone's directory without its network half: the registrations with their leases and the handler
 * that answers directory requests, bound to no port and sweeping no leases on its own. {@link Backbone} puts
 * one on its node's {@link DirectoryProtocol#PORT} and sweeps it on a timer; an
 * application that wants the directory on its own terms (its own scheduler, requests handed over in-process,
 * a measurement of the handler alone) holds one directly.
 *
 * <p>Requests are answered as coming from {@link IncomingMessage#fromKey()}, the key a session proved: whoever
 * hands requests over in-process vouches for that key. The store stays the caller's to close.
 */
public final class BackboneDirectory implements MessageHandler {

    private final Registry registry;
    private final DirectoryService service;

    /**
     * Loads what {@code store} holds and starts answering.
     *
     * @param node the node the directory answers on: it tells a registering node the endpoint it was seen at
     *             and sends watch events through it
     */
    public BackboneDirectory(PilotNode node, BackboneSettings settings, DirectoryStore store) {
        this.registry = new Registry(node.address().realm(), node.publicKey(), settings, store, System::currentTimeMillis);
        this.service = new DirectoryService(node, registry, settings);
        if (store instanceof SharedDirectoryStore shared) {
            // Every change, this backbone's own included, reaches the watchers here through the store's feed.
            shared.follow(change -> service.publish(registry.apply(change)), registry::attachedRecords);
        }
    }

    /** Answers one directory request; a refusal is a typed error reply, and is counted. */
    @Override
    public CompletionStage<Message> handle(IncomingMessage request) {
        return service.handle(request);
    }

    /**
     * Answers a streamed request: lookups and watches whose records may not fit one message come in pages that put
     * end to end are {@link #handle}'s reply (docs/PROTOCOL.md §7.1); every other request as that one reply.
     */
    @Override
    public Flow.Publisher<Message> handleStream(IncomingMessage request) throws Exception {
        return service.handleStream(request);
    }

    /**
     * Answers on the node's event loop the requests that are in-memory reads (lookups of a few records,
     * heartbeats), without the hop to the handler pool; null for the others, which {@link #handle} answers. Never
     * blocks: it takes no lock a store's write holds. What {@link Backbone} gives its node's event loop.
     */
    public Message answerOnLoop(IncomingMessage request) {
        return service.answerOnLoop(request);
    }

    /**
     * Removes every registration whose lease lapsed and tells their watchers; ends the paged replies whose callers
     * stopped granting credit ({@link BackboneSettings#pagedReplyStall}).
     */
    public void expireLeases() {
        try {
            service.publish(registry.expire());
        } finally {
            service.endStalledReplies(); // also while the store fails, which the expiry throws then
        }
    }

    /** Live registrations. */
    public int registrations() {
        return registry.size();
    }

    /** Watch subscriptions held, over all nodes: bounded by the registrations times the per-node cap. */
    public int watches() {
        return registry.subscriptions();
    }

    /** Group definitions held: bounded by the per-owner and overall caps. */
    public int groups() {
        return registry.groups();
    }

    /** The directory's revision: it grows by one with every change. */
    public long revision() {
        return registry.revision();
    }

    /**
     * Directory requests received with operation {@code op}, one of the {@code DirectoryProtocol.OP_*} codes
     * (refused ones included): how much the nodes lean on this backbone, e.g. lookups that views spare.
     */
    public long requests(int op) {
        return service.requests(op);
    }

    /** Whether {@code node} holds a live registration; answered from memory, without waiting for a store. */
    public boolean isRegistered(PilotAddress node) {
        return registry.isRegistered(node);
    }

    /** The registrations, for the backbone's {@link BackboneStatus}. */
    Registry registry() {
        return registry;
    }

    /** Paged replies whose callers are still reading them. */
    int pagedReplies() {
        return service.pagedReplies();
    }

    /** Refused requests by reason. */
    public Map<DirectoryError, Long> refusals() {
        return service.refusals();
    }
}
