package io.pilot.engine.agent;

import io.pilot.engine.net.TlsFiles;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * How a backbone serves nodes that cannot use UDP (docs/reach.md): WebSocket on the same port number as its
 * UDP socket (unless {@code samePort} is off) and on each of {@code extraBinds}, TLS when {@code tls} is given.
 *
 * @param samePort also listen on TCP at the UDP socket's own address and port; if that port is taken the
 *                 backbone logs it and serves on without it (a taken extra bind fails the start)
 * @param extraBinds further TCP addresses, e.g. {@code 0.0.0.0:443}
 * @param tls certificate and key in PEM for {@code wss}, or null for plain {@code ws} (labs, tests)
 * @param maxConnections connections held at once; past it a new one is closed at once and counted
 */
public record WebSocketServing(boolean samePort, List<InetSocketAddress> extraBinds, TlsFiles tls, int maxConnections) {

    /** Plain WebSocket on the UDP port number, up to 4096 connections. */
    public static final WebSocketServing DEFAULTS = new WebSocketServing(true, List.of(), null, 4096);
    /** No TCP listener at all. */
    public static final WebSocketServing OFF = new WebSocketServing(false, List.of(), null, 4096);

    public WebSocketServing {
        extraBinds = List.copyOf(extraBinds);
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("maxConnections must be positive, got " + maxConnections);
        }
    }
}
