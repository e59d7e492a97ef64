package io.pilot.engine.directory;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's connection to the backbone it is attached to, one of the realm's {@link BackboneChoice}: connects to
 * it (pinning the realm's backbone key, or trusting the first one with a warning), makes it the node's relay, and
 * carries directory calls to its {@link DirectoryProtocol#PORT}. When the attached backbone stops answering,
 * {@link #failover} moves to the next one: the next {@link #connect} handshakes there.
 */
final class BackboneLink implements BackboneCall {

    private static final Logger log = LoggerFactory.getLogger(BackboneLink.class);

    private final PilotNode node;
    private final ClientSettings settings;
    private final BackboneChoice choice;
    private volatile PilotAddress backbone;
    /** The endpoint of the backbone attached to, null while none is. */
    private volatile InetSocketAddress attached;
    /** The address a backbone had before a failover: the realm's backbones share it, so the session is moved. */
    private volatile PilotAddress previous;

    BackboneLink(PilotNode node, ClientSettings settings) {
        this.node = node;
        this.settings = settings;
        this.choice = new BackboneChoice(settings.backboneEndpoints(), node.address());
    }

    /** The backbone's address, once its key is known. */
    Optional<PilotAddress> address() {
        return Optional.ofNullable(backbone);
    }

    /** The endpoint of the backbone this node is attached to, once connected. */
    Optional<InetSocketAddress> endpoint() {
        return Optional.ofNullable(attached);
    }

    boolean isBackbone(PilotAddress address) {
        return address.equals(backbone) || address.equals(previous);
    }

    /**
     * The attached backbone did not answer: forgets it, so that the next {@link #connect} tries the next backbone
     * of the list. Returns whether that one has not been tried since the last success (false once every backbone
     * failed in a row: then it is time to wait before trying again). With one backbone, always false.
     */
    boolean failover() {
        InetSocketAddress failed = choice.current();
        PilotAddress known = backbone;
        if (known != null) {
            previous = known;
        }
        backbone = null;
        attached = null;
        boolean untried = choice.next();
        if (settings.backboneEndpoints().size() > 1) {
            log.warn("backbone at {} does not answer; trying the backbone at {}", failed, choice.current());
        }
        return untried;
    }

    /** Connects once; later calls answer with the address learned then. */
    CompletableFuture<PilotAddress> connect() {
        PilotAddress known = backbone;
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        InetSocketAddress endpoint = choice.current();
        node.followBackbone(endpoint); // the WebSocket fallback watches the backbone tried now (docs/reach.md)
        return handshake(endpoint).thenApply(peer -> {
            if (settings.backboneKey() == null) {
                log.warn("trusting backbone key {} at {} on first use; configure it to be sure", peer.key(), endpoint);
            } else if (!peer.key().equals(settings.backboneKey())) {
                throw new PilotException(ErrorCode.UNREACHABLE, "the node at " + endpoint + " presents key " + peer.key()
                        + ", not the realm's backbone key " + settings.backboneKey());
            }
            choice.succeeded();
            attached = endpoint;
            backbone = peer.address();
            node.useRelay(endpoint, peer.address());
            return peer.address();
        });
    }

    /**
     * A handshake with the backbone at {@code endpoint}. The first one pins the configured key. After a failover
     * the session the node holds with the realm's backbone address (every backbone of a realm shares one key, so
     * one address) still has the dead backbone's keys: a handshake by endpoint makes new ones with the backbone
     * there, which then takes over that session, instead of sending to it with keys it never made.
     */
    private CompletableFuture<PeerInfo> handshake(InetSocketAddress endpoint) {
        if (previous != null || settings.backboneKey() == null) {
            return node.connect(endpoint);
        }
        return node.connect(settings.backboneKey(), endpoint);
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

    /**
     * Sends a directory request as a streamed request and reads the pages of its reply as one. The timeout covers
     * reaching the backbone; then the stream's idle limit (the same time) covers each page, so that a large reply
     * may take as long as it needs while it keeps coming.
     */
    @Override
    public <T> CompletableFuture<T> callPaged(byte[] request, Function<BinaryReader, T> read) {
        return connectWithinTimeout().thenCompose(address -> {
            ReplyPages pages = new ReplyPages(settings.maxReplySize());
            node.requestStream(new PilotSocketAddress(address, DirectoryProtocol.PORT), Message.of(request),
                    settings.requestTimeout(), PilotNode.DEFAULT_STREAM_WINDOW).subscribe(pages);
            return pages.whole();
        }).thenApply(reply -> BackboneCall.readReply(reply, read));
    }

    private <T> CompletableFuture<T> withinTimeout(CompletableFuture<T> step) {
        return step.orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(error -> {
                    Throwable cause = BackboneCall.unwrap(error);
                    if (cause instanceof TimeoutException) {
                        throw new PilotException(ErrorCode.TIMEOUT, "the backbone at " + HostPort.format(choice.current())
                                + " did not answer within " + settings.requestTimeout().toMillis() + " ms");
                    }
                    throw error instanceof CompletionException completion ? completion : new CompletionException(cause);
                });
    }
}
