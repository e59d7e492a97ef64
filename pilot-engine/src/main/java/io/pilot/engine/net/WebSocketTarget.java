package io.pilot.engine.net;

/**
 * One place a node tries for its backbone's WebSocket.
 *
 * @param host the backbone's host (a name, or an address literal)
 * @param port its TCP port
 * @param tls whether to speak TLS ({@code wss})
 */
record WebSocketTarget(String host, int port, boolean tls) {

    String uri() {
        String literal = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "wss://" : "ws://") + literal + ":" + port + WebSocketListener.PATH;
    }

    @Override
    public String toString() {
        return uri();
    }
}
