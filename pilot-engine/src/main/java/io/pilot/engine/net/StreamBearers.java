package io.pilot.engine.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's WebSocket side, beside its UDP socket: the listener a backbone serves nodes on when UDP cannot
 * reach it, and the {@link BackboneReach} a node falls back to WebSocket with. Both put datagrams through the
 * node's one pipeline ({@link BearerSwitch}) on its one event loop.
 */
public final class StreamBearers {

    private final StreamCounters counters = new StreamCounters();
    private final BearerSwitch bearers = new BearerSwitch(counters);
    private WebSocketListener listener;
    private BackboneReach reach;
    /** What {@link #reachBackbone} was given, for {@link #followBackbone}. */
    private ProxySettings proxy;
    private Runnable moved;

    ChannelHandler handler() {
        return bearers;
    }

    /**
     * Serves WebSocket on each of {@code binds} (port 0: any), TLS when {@code tls} is given. Call after the UDP
     * socket is bound.
     *
     * @return the bound addresses
     * @throws IllegalStateException naming the address that cannot be bound
     */
    public List<InetSocketAddress> listen(UdpSocket socket, List<InetSocketAddress> binds, TlsFiles tls,
            int maxConnections) {
        listener = new WebSocketListener(socket.loop(), socket.serverChannelType(), bearers, counters,
                socket.localAddress(), tls == null ? null : tls.serverContext(), maxConnections);
        List<InetSocketAddress> bound = new ArrayList<>();
        for (InetSocketAddress bind : binds) {
            try {
                bound.add(listener.bind(bind));
            } catch (Exception e) {
                listener.close();
                throw new IllegalStateException("cannot listen on TCP " + bind + ": " + e.getMessage(), e);
            }
        }
        return bound;
    }

    /**
     * Watches UDP to the backbone at {@code backbone} and falls back to WebSocket when it goes unanswered. On the
     * event loop.
     *
     * @param proxy the HTTP proxy for the WebSocket, or null
     * @param moved run on the loop when the backbone's bearer changes (to WebSocket, or back towards UDP)
     */
    public void reachBackbone(UdpSocket socket, InetSocketAddress backbone, ProxySettings proxy, Runnable moved) {
        if (reach != null) {
            if (reach.backbone().equals(backbone)) {
                return;
            }
            reach.close();
        }
        this.proxy = proxy;
        this.moved = moved;
        WebSocketDialer dialer = new WebSocketDialer(socket.loop(), socket.streamChannelType(), bearers, counters,
                socket.localAddress());
        reach = new BackboneReach(socket.loop(), bearers, dialer, backbone, proxy, moved);
        bearers.watch(reach);
    }

    /**
     * Moves the watch to the backbone at {@code backbone}, with the proxy {@link #reachBackbone} was given: with
     * several backbones the node attaches to one at a time, and the one it tries now is the one whose UDP silence
     * counts (a dead first backbone must not keep the WebSocket pointed at it). Nothing if the node does not fall
     * back at all ({@link #reachBackbone} never called). On the event loop.
     */
    public void followBackbone(UdpSocket socket, InetSocketAddress backbone) {
        if (reach != null) {
            reachBackbone(socket, backbone, proxy, moved);
        }
    }

    /** The backbone watch, or null before {@link #reachBackbone}. */
    public BackboneReach reach() {
        return reach;
    }

    /** The TCP addresses served, empty when not listening. */
    public List<InetSocketAddress> listening() {
        return listener == null ? List.of() : listener.addresses();
    }

    public boolean servesTls() {
        return listener != null && listener.tls();
    }

    public StreamCounters.Snapshot counters() {
        return counters.snapshot();
    }

    /** Whether datagrams to {@code endpoint} ride a WebSocket now (so TCP retransmits what is lost). */
    public boolean carriedOverStream(InetSocketAddress endpoint) {
        return endpoint instanceof StreamEndpoint || (reach != null && reach.streamTo(endpoint) != null);
    }

    /**
     * The largest datagram to send to {@code endpoint} over the WebSocket it rides: what that connection's other end
     * said it takes ({@link StreamDatagramSize}); the base for an endpoint not on a WebSocket.
     */
    public int largestOverStream(InetSocketAddress endpoint) {
        Channel stream = endpoint instanceof StreamEndpoint served ? served.channel()
                : reach == null ? null : reach.streamTo(endpoint);
        return stream == null ? WireFormat.MAX_RELAY_DATAGRAM : StreamDatagramSize.of(stream);
    }

    /**
     * Why a peer's traffic is carried over TCP, or null when it goes over UDP.
     *
     * @param endpoint the peer's endpoint
     * @param relayed whether the peer is reached through the relay
     * @param relay the relay's endpoint, or null
     */
    public String tcpReason(InetSocketAddress endpoint, boolean relayed, InetSocketAddress relay) {
        if (!relayed && endpoint instanceof StreamEndpoint) {
            return "the peer reaches this node over WebSocket from " + endpoint.getHostString() + ":" + endpoint.getPort();
        }
        if (reach != null && reach.overStream()) {
            InetSocketAddress via = relayed ? relay : endpoint;
            if (reach.backbone().equals(via)) {
                return reach.reason();
            }
        }
        return null;
    }

    /** Closes the listener and the backbone's WebSocket. On the event loop. */
    public void close() {
        if (reach != null) {
            reach.close();
        }
        if (listener != null) {
            listener.close();
        }
    }
}
