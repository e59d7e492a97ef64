package io.pilot.engine.directory;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's connection to the backbone: connects to it (pinning its key, or trusting the first one with a
 * warning), makes it the node's relay, and carries directory calls to its {@link DirectoryProtocol#PORT}.
 */
final class BackboneLink implements BackboneCall {

    private static final Logger log = LoggerFactory.getLogger(BackboneLink.class);

    private final PilotNode node;
    private final ClientSettings settings;
    private volatile PilotAddress backbone;

    BackboneLink(PilotNode node, ClientSettings settings) {
        this.node = node;
        this.settings = settings;
    }

    /** The backbone's address, once its key is known. */
    Optional<PilotAddress> address() {
        return Optional.ofNullable(backbone);
    }

    boolean isBackbone(PilotAddress address) {
        return address.equals(backbone);
    }

    /** Connects once; later calls answer with the address learned then. */
    CompletableFuture<PilotAddress> connect() {
        PilotAddress known = backbone;
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<PeerInfo> connected = settings.backboneKey() != null
                ? node.connect(settings.backboneKey(), settings.backboneEndpoint())
                : node.connect(settings.backboneEndpoint());
        return connected.thenApply(peer -> {
            if (settings.backboneKey() == null) {
                log.warn("trusting backbone key {} at {} on first use; configure it to be sure", peer.key(),
                        settings.backboneEndpoint());
            }
            backbone = peer.address();
            node.useRelay(peer.endpoint(), backbone);
            return backbone;
        });
    }

    /**
     * As {@link #connect}, but failing with {@link ErrorCode#TIMEOUT} after the request timeout rather than the
     * node's longer handshake timeout: so that an agent starting while the backbone is away learns it soon.
     */
    CompletableFuture<PilotAddress> connectWithinTimeout() {
        return withinTimeout(connect());
    }

    /**
     * Sends a directory request to the backbone and reads the reply. The timeout covers the whole call,
     * reconnecting included, so a lookup falls back to the cache quickly when the backbone is away.
     */
    @Override
    public <T> CompletableFuture<T> call(byte[] request, Function<BinaryReader, T> read) {
        return withinTimeout(connect()
                .thenCompose(address -> node.request(new PilotSocketAddress(address, DirectoryProtocol.PORT),
                        Message.of(request), settings.requestTimeout()))
                .thenApply(reply -> BackboneCall.readReply(reply.body(), read)));
    }

    private <T> CompletableFuture<T> withinTimeout(CompletableFuture<T> step) {
        return step.orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(error -> {
                    Throwable cause = BackboneCall.unwrap(error);
                    if (cause instanceof TimeoutException) {
                        throw new PilotException(ErrorCode.TIMEOUT, "the backbone did not answer within "
                                + settings.requestTimeout().toMillis() + " ms");
                    }
                    throw error instanceof CompletionException completion ? completion : new CompletionException(cause);
                });
    }
}
