package io.pilot.benchmarks;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.net.Impairment;

import java.security.SecureRandom;
import java.time.Duration;

/**
 * Two Pilot nodes on 127.0.0.1 with an established session between them: the {@code client} sends,
 * the {@code server} serves. Every Pilot benchmark except the handshake one starts from here, so the
 * handshake's cost never leaks into a data-path figure.
 */
public final class PilotPair implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final PilotNode client;
    private final PilotNode server;

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
        PilotNode server = node().impairment(serverLink).build().start();
        PilotNode client;
        try {
            client = node().build().start();
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

    /** A loopback node builder with a fresh identity and a request timeout long enough for lossy 16 MiB requests. */
    static PilotNode.Builder node() {
        return PilotNode.builder()
                .identity(Identity.generate(RANDOM))
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
    }
}
