package io.pilot.engine;

import io.pilot.engine.session.Peer;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The node's {@link SessionListener}s. Told of sessions on the event loop, it takes the peer's snapshot there
 * (the loop owns the peer) and calls the listeners on the callback executor, so they may block.
 */
final class SessionListeners {

    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final Executor callbacks;

    SessionListeners(Executor callbacks) {
        this.callbacks = callbacks;
    }

    void add(SessionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** On the event loop: a handshake with {@code peer} completed. */
    void established(Peer peer, boolean newConnection) {
        if (!listeners.isEmpty()) {
            PeerInfo info = PeerInfo.of(peer);
            callbacks.execute(() -> listeners.forEach(l -> l.sessionEstablished(info, newConnection)));
        }
    }

    /** On the event loop: {@code peer}'s connection ended. */
    void closed(Peer peer, String reason) {
        if (!listeners.isEmpty()) {
            PeerInfo info = PeerInfo.ended(peer);
            callbacks.execute(() -> listeners.forEach(l -> l.sessionClosed(info, reason)));
        }
    }
}
