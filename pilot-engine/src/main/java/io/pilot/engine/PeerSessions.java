package io.pilot.engine;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.message.ReplyFuture;
import io.pilot.engine.session.Peer;
import io.pilot.engine.session.SessionEngine;
import io.pilot.engine.transport.ConnectionStats;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Gets callers a session with a peer: introduces peers the caller names, asks the resolver about addresses
 * never met, waits for the handshake, and fails the caller's future with a {@link PilotException} saying why
 * not. Works on the event loop, where it delivers to callers' {@link ReplyFuture}s. At close, lets the sessions'
 * streams finish first.
 */
final class PeerSessions {

    private final NodeLoop loop;
    private final NodeExecutors executors;
    private volatile PeerResolver resolver;
    /** Set when the node starts, before the loop runs any task of this class: only those tasks read it. */
    private SessionEngine engine;

    PeerSessions(NodeLoop loop, NodeExecutors executors) {
        this.loop = loop;
        this.executors = executors;
    }

    /** The node's engine, once it exists; call before the loop opens. */
    void attach(SessionEngine engine) {
        this.engine = engine;
    }

    /** How to find nodes never met, or null to refuse them. */
    void setResolver(PeerResolver resolver) {
        this.resolver = resolver;
    }

    /** Introduces a peer (pinning {@code key} unless null) and completes once its session is up. */
    ReplyFuture<PeerInfo> connect(PilotAddress address, NodeKey key, List<InetSocketAddress> endpoints) {
        ReplyFuture<PeerInfo> result = executors.newFuture();
        loop.execute(result, () -> {
            Peer peer;
            try {
                peer = engine.addPeer(address, key, endpoints, true);
            } catch (IllegalArgumentException e) {
                result.deliverFailure(new PilotException(ErrorCode.UNREACHABLE, e.getMessage()));
                return;
            }
            engine.whenEstablished(peer, completion(result));
        });
        return result;
    }

    /**
     * New endpoints for a peer this node knows, for its next handshake (a working path is kept); true if it was known,
     * false and nothing added if not.
     */
    ReplyFuture<Boolean> updateKnown(PilotAddress address, NodeKey key, List<InetSocketAddress> endpoints) {
        ReplyFuture<Boolean> result = executors.newFuture();
        loop.execute(result, () -> {
            if (engine.peer(address) == null) {
                result.deliver(false);
                return;
            }
            try {
                engine.addPeer(address, key, endpoints, false);
                result.deliver(true);
            } catch (IllegalArgumentException e) { // another key than the one pinned: the record is not this peer's
                result.deliverFailure(new PilotException(ErrorCode.UNREACHABLE, e.getMessage()));
            }
        });
        return result;
    }

    /** Handshakes with whatever node answers at {@code endpoint}; completes once the session is up. */
    ReplyFuture<PeerInfo> connect(InetSocketAddress endpoint) {
        ReplyFuture<PeerInfo> result = executors.newFuture();
        loop.execute(result, () -> engine.whenEstablished(endpoint, completion(result)));
        return result;
    }

    /**
     * Runs {@code action} on the event loop once a session with {@code target} is up, finding the peer first if
     * it was never met; fails {@code result} if there is no session or {@code action} throws.
     */
    <T> void withSession(PilotAddress target, ReplyFuture<T> result, Consumer<Peer> action) {
        loop.execute(result, () -> onSession(target, result, action));
    }

    /**
     * {@link #withSession} for many targets in one task on the event loop: {@code action} runs at once for every
     * target that has a session, and the engine flushes them all together when the task ends
     * ({@link SessionEngine#sendingToMany}); the others follow their handshakes, as with {@link #withSession}.
     *
     * @param results one per target, in the same order; each is handed to {@code action} with its target's peer
     */
    <T> void withSessions(List<PilotAddress> targets, List<ReplyFuture<T>> results,
            BiConsumer<Peer, ReplyFuture<T>> action) {
        if (targets.size() != results.size()) {
            throw new IllegalArgumentException(targets.size() + " targets but " + results.size() + " results");
        }
        if (targets.isEmpty()) {
            return;
        }
        loop.executeAll(results, () -> engine.sendingToMany(() -> {
            for (int i = 0; i < targets.size(); i++) {
                ReplyFuture<T> result = results.get(i);
                onSession(targets.get(i), result, peer -> action.accept(peer, result));
            }
        }));
    }

    /** On the loop: runs {@code action} once {@code target} has a session (at once if it has one). */
    private <T> void onSession(PilotAddress target, ReplyFuture<T> result, Consumer<Peer> action) {
        Peer peer = engine.peer(target);
        if (peer == null) {
            resolveThen(target, result, action);
            return;
        }
        engine.whenEstablished(peer, (p, error) -> {
            if (error != null) {
                result.deliverFailure(new PilotException(ErrorCode.UNREACHABLE, error.getMessage(), error));
                return;
            }
            try {
                action.accept(p);
            } catch (RuntimeException e) {
                // e.g. the connection closed in between: the caller must hear of it.
                result.deliverFailure(new PilotException(ErrorCode.CONNECTION_LOST,
                        "cannot send to " + target + ": " + e.getMessage(), e));
            }
        });
    }

    /** Asks the resolver about an address never met, then runs {@code action} once a session is up. */
    private <T> void resolveThen(PilotAddress target, ReplyFuture<T> result, Consumer<Peer> action) {
        PeerResolver current = resolver;
        if (current == null) {
            result.deliverFailure(new PilotException(ErrorCode.UNREACHABLE, "unknown peer " + target
                    + ": connect to it first (its key or address and UDP endpoint), or use a directory"));
            return;
        }
        current.resolve(target).whenComplete((contact, error) -> loop.execute(result, () -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                result.deliverFailure(new PilotException(ErrorCode.UNREACHABLE,
                        "cannot find " + target + ": " + cause.getMessage(), cause));
                return;
            }
            try {
                engine.addPeer(target, contact.key(), contact.endpoints(), false);
            } catch (IllegalArgumentException e) {
                result.deliverFailure(new PilotException(ErrorCode.UNREACHABLE, e.getMessage()));
                return;
            }
            withSession(target, result, action);
        }));
    }

    /**
     * Waits, up to {@code limit}, until every stream with every peer is finished and acknowledged: replies
     * already handed to the transport reach their callers before the sessions close. From a caller's thread.
     */
    void drain(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (loop.call(this::idle)) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether no peer has a stream open or bytes unacknowledged; on the event loop. */
    private boolean idle() {
        for (Peer peer : engine.peers()) {
            if (peer.connection() != null && !peer.connection().isClosed()) {
                ConnectionStats stats = peer.connection().stats();
                if (stats.liveStreams() > 0 || stats.bytesInFlight() > 0) {
                    return false;
                }
            }
        }
        return true;
    }


    private BiConsumer<Peer, Throwable> completion(ReplyFuture<PeerInfo> result) {
        return (peer, error) -> {
            if (error != null) {
                result.deliverFailure(new PilotException(ErrorCode.UNREACHABLE, error.getMessage(), error));
            } else {
                result.deliver(PeerInfo.of(peer));
            }
        };
    }
}
