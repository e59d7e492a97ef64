package io.pilot.engine.net;

import io.pilot.engine.session.Peer;
import io.pilot.engine.session.SessionEvents;
import io.pilot.engine.transport.ConnectionHandler;

/** The layer above sessions, for tests in which no session comes up: any event fails the test. */
final class NoSessionEvents implements SessionEvents {

    @Override
    public ConnectionHandler connectionHandler(Peer peer) {
        throw new AssertionError("no connection expected");
    }

    @Override
    public void established(Peer peer, boolean newConnection) {
        throw new AssertionError("no session expected");
    }
}
