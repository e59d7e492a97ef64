package io.pilot.engine.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.pilot.engine.stun.StunClientHandler;
import io.pilot.engine.stun.StunServerHandler;
import io.pilot.engine.wire.DropCounters;

/**
 * Lays out a node's pipeline up to the decoder: [impairment] → bearers (UDP or WebSocket, see
 * {@link StreamBearers}) → STUN client → [STUN server] → decoder.
 * The last stage, the session engine, joins in {@link UdpSocket#bind} because the engine can only be built
 * on a registered channel.
 *
 * <p>Typed on {@link Channel}, not {@code DatagramChannel}, so tests can run it on an {@code EmbeddedChannel}.
 */
public final class NodeChannelInitializer extends ChannelInitializer<Channel> {

    private static final String IMPAIRMENT = "impairment";

    private final Impairment impairment;
    private final StunClientHandler stunClient;
    private final StunServerHandler stunServer;
    private final DropCounters drops;
    private final StreamBearers streams;

    /** Without WebSocket bearers of its own (they can still be reached through {@code streams} of a fresh set). */
    public NodeChannelInitializer(Impairment impairment, StunClientHandler stunClient, StunServerHandler stunServer,
            DropCounters drops) {
        this(impairment, stunClient, stunServer, drops, new StreamBearers());
    }

    /**
     * @param impairment the deliberate misbehaviour of the link; with {@link Impairment#NONE} no stage is installed
     * @param stunServer answers STUN Binding requests, or null for a node that does not
     */
    public NodeChannelInitializer(Impairment impairment, StunClientHandler stunClient, StunServerHandler stunServer,
            DropCounters drops, StreamBearers streams) {
        this.streams = streams;
        this.impairment = impairment;
        this.stunClient = stunClient;
        this.stunServer = stunServer;
        this.drops = drops;
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("bearers", streams.handler());
        pipeline.addLast("stun-client", stunClient);
        if (stunServer != null) {
            pipeline.addLast("stun", stunServer);
        }
        pipeline.addLast("decoder", new DatagramDecoder(drops));
        impair(pipeline, impairment);
        pipeline.addFirst("receive-slots", new ReceiveSlots(drops));
    }

    /**
     * Puts {@code impairment} on the link from now on, replacing the one there; {@link Impairment#NONE} takes the
     * stage out. Call on the channel's event loop.
     */
    public static void impair(ChannelPipeline pipeline, Impairment impairment) {
        if (pipeline.get(IMPAIRMENT) != null) {
            pipeline.remove(IMPAIRMENT);
        }
        if (!impairment.isNone()) {
            // First, so everything above it, handshakes and STUN included, sees the impaired link.
            pipeline.addFirst(IMPAIRMENT, new ImpairmentHandler(impairment));
        }
    }
}
