package io.pilot.benchmarks;

import io.pilot.engine.PeerContact;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.net.Impairment;
import io.pilot.engine.net.TlsFiles;
import io.pilot.engine.session.PathSettings;
import io.pilot.engine.transport.TransportConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Two Pilot nodes on 127.0.0.1 with an established session between them: the {@code client} sends,
 * the {@code server} serves. Every Pilot benchmark except the handshake one starts from here, so the
 * handshake's cost never leaks into a data-path figure.
 *
 * <p>{@link #startRelayed()} builds the pair that cannot reach each other directly: their session runs
 * through a third node serving as relay, which the pair then owns too.
 */
public final class PilotPair implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Relayed pairs: fall back to the relay 300 ms into a handshake that gets no direct answer, and probe
     * for a direct path only once an hour, i.e. never during a run.
     */
    private static final PathSettings RELAY_FALLBACK = new PathSettings(true, Duration.ofMillis(300), Duration.ofSeconds(3600));

    private final PilotNode client;
    private final PilotNode server;
    private PilotNode relay;
    private long relayEventLoop = -1;
    private DatagramChannel unanswered;
    private DatagramChannel blackHole;

    private PilotPair(PilotNode client, PilotNode server) {
        this.client = client;
        this.server = server;
    }

    /** A pair on a perfect link. */
    public static PilotPair start() {
        return start(Impairment.NONE);
    }

    /**
     * A pair whose server-side socket is impaired. An {@link Impairment} acts on both directions of the
     * node's socket, so data going to the server and acknowledgements coming back both suffer it.
     */
    public static PilotPair start(Impairment serverLink) {
        return start(serverLink, TransportConfig.defaults());
    }

    /** As {@link #start(Impairment)}, both nodes' connections configured by {@code transport} (e.g. its controller). */
    public static PilotPair start(Impairment serverLink, TransportConfig transport) {
        PilotNode server = node().impairment(serverLink).transportConfig(transport).build().start();
        PilotNode client;
        try {
            client = node().transportConfig(transport).build().start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        PilotPair pair = new PilotPair(client, server);
        try {
            client.connect(server.publicKey(), server.localEndpoint()).join();
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    /**
     * A pair whose session runs through a third node, the relay ({@code serveAsRelay(true)}): both nodes
     * open a session with the relay and {@code useRelay} it, then the client connects to the server with a
     * contact whose only endpoint is a UDP socket that is bound and never read, so the direct handshake gets
     * no answer and goes through the relay. Fails unless both ends see the session as relayed.
     */
    public static PilotPair startRelayed() {
        Set<Long> loopsBefore = ThreadCpu.eventLoops();
        PilotNode relay = node().build().start();
        PilotPair pair = null;
        try {
            long relayLoop = ThreadCpu.newEventLoop(loopsBefore, ThreadCpu.eventLoops());
            relay.serveAsRelay(true);
            PilotNode server = relayClient(relay);
            PilotNode client;
            try {
                client = relayClient(relay);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            pair = new PilotPair(client, server);
            pair.relay = relay;
            pair.relayEventLoop = relayLoop;
            pair.unanswered = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress nowhere = (InetSocketAddress) pair.unanswered.getLocalAddress();
            client.connect(new PeerContact(server.publicKey(), List.of(nowhere))).join();
            pair.requireRelayed("after connecting");
            return pair;
        } catch (IOException e) {
            closeAfterFailure(pair, relay);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeAfterFailure(pair, relay);
            throw e;
        }
    }

    /**
     * As {@link #startRelayed()}, but the client's UDP to the relay goes unanswered: the relay's advertised port
     * is a UDP socket that is bound and never read, and the relay serves WebSocket on that port number, so the
     * client falls back to WebSocket by itself (docs/reach.md) and the whole session, relayed, rides TCP between
     * client and relay; the server reaches the relay over UDP.
     */
    public static PilotPair startRelayedOverWebSocket() {
        return startRelayedOverWebSocket(null);
    }

    /**
     * As {@link #startRelayedOverWebSocket()}, the relay's listener serving {@code wss} with {@code tls} (the client
     * finds it by itself: its plain {@code ws} try on that port is refused as not TLS, then {@code wss} upgrades).
     */
    public static PilotPair startRelayedOverWebSocket(TlsFiles tls) {
        Set<Long> loopsBefore = ThreadCpu.eventLoops();
        PilotNode relay = node().answerStun(true).build().start();
        PilotPair pair = null;
        DatagramChannel blackHole = null;
        try {
            long relayLoop = ThreadCpu.newEventLoop(loopsBefore, ThreadCpu.eventLoops());
            relay.serveAsRelay(true);
            InetSocketAddress tcp = relay.listenWebSocket(List.of(new InetSocketAddress("127.0.0.1", 0)), tls, 64).get(0);
            blackHole = DatagramChannel.open().bind(tcp);
            PilotNode server = relayClient(relay);
            PilotNode client = node().pathSettings(RELAY_FALLBACK).build().start();
            pair = new PilotPair(client, server);
            pair.relay = relay;
            pair.relayEventLoop = relayLoop;
            pair.blackHole = blackHole;
            pair.unanswered = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress nowhere = (InetSocketAddress) pair.unanswered.getLocalAddress();
            client.reachBackbone(tcp, null);
            client.connect(relay.publicKey(), tcp).join();
            client.useRelay(tcp, relay.address());
            client.connect(new PeerContact(server.publicKey(), List.of(nowhere))).join();
            pair.requireRelayed("after connecting");
            if (!client.peer(server.address()).orElseThrow().overTcp()) {
                throw new IllegalStateException("the client's relayed path is not over TCP");
            }
            return pair;
        } catch (IOException e) {
            closeAfterFailure(pair, relay);
            closeQuietly(blackHole, pair);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeAfterFailure(pair, relay);
            closeQuietly(blackHole, pair);
            throw e;
        }
    }

    /** The black hole when the pair, which would close it, was not built. */
    private static void closeQuietly(DatagramChannel blackHole, PilotPair pair) {
        if (pair == null && blackHole != null) {
            try {
                blackHole.close();
            } catch (IOException ignored) {
                // failing already
            }
        }
    }

    private static void closeAfterFailure(PilotPair pair, PilotNode relay) {
        if (pair != null) {
            pair.close();
        } else {
            relay.close();
        }
    }

    private static PilotNode relayClient(PilotNode relay) {
        PilotNode node = node().pathSettings(RELAY_FALLBACK).build().start();
        try {
            node.connect(relay.publicKey(), relay.localEndpoint()).join();
            node.useRelay(relay.localEndpoint(), relay.address());
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /** Throws unless both ends of a relayed pair still reach each other through the relay. */
    public void requireRelayed(String when) {
        if (relay == null) {
            throw new IllegalStateException("not a relayed pair");
        }
        boolean clientRelayed = client.peer(server.address()).orElseThrow().relayed();
        boolean serverRelayed = server.peer(client.address()).orElseThrow().relayed();
        if (!clientRelayed || !serverRelayed) {
            throw new IllegalStateException("the pair is not relayed " + when + " (client side relayed: " + clientRelayed
                    + ", server side: " + serverRelayed + "): " + client.peer(server.address()).orElseThrow().pathReason());
        }
    }

    /** The relay of a pair built by {@link #startRelayed()}, else null. */
    public PilotNode relay() {
        return relay;
    }

    /** Thread id of the relay's event loop (for its CPU time), or -1 for a direct pair. */
    public long relayEventLoop() {
        return relayEventLoop;
    }

    /**
     * Whether the nodes read with UDP GRO ({@code PilotNode.Builder.receiveCoalescing}), from
     * {@code -Dbench.receiveCoalescing=true}: off, the engine's default, unless asked for (an A/B of the two).
     */
    static final boolean RECEIVE_COALESCING = Boolean.getBoolean("bench.receiveCoalescing");

    /** A loopback node builder with a fresh identity and a request timeout long enough for lossy 16 MiB requests. */
    static PilotNode.Builder node() {
        return PilotNode.builder()
                .identity(Identity.generate(RANDOM))
                .receiveCoalescing(RECEIVE_COALESCING)
                .bindAddress("127.0.0.1", 0)
                .requestTimeout(Duration.ofSeconds(120));
    }

    public PilotNode client() {
        return client;
    }

    public PilotNode server() {
        return server;
    }

    /** Where the client reaches {@code port} on the server. */
    public PilotSocketAddress serverPort(int port) {
        return new PilotSocketAddress(server.address(), port);
    }

    @Override
    public void close() {
        client.close();
        server.close();
        if (relay != null) {
            relay.close();
        }
        if (unanswered != null || blackHole != null) {
            try {
                if (blackHole != null) {
                    blackHole.close();
                }
                if (unanswered != null) {
                    unanswered.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
