package io.pilot.engine.net;

import io.netty.channel.Channel;

import java.io.Serial;
import java.net.InetSocketAddress;

/**
 * A WebSocket connection standing in for a UDP endpoint on the serving side. The session layer keeps peers,
 * paths, budgets and relay targets by {@link InetSocketAddress}; handing it one of these (the client's TCP
 * address, which also keys its per-source budgets) lets a WebSocket client be one more endpoint without the
 * session layer knowing. {@link BearerSwitch} sends what is written to it down its connection.
 */
public final class StreamEndpoint extends InetSocketAddress {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Channel channel;

    StreamEndpoint(InetSocketAddress remote, Channel channel) {
        super(remote.getAddress(), remote.getPort());
        this.channel = channel;
    }

    /** The WebSocket connection datagrams to this endpoint go down. */
    Channel channel() {
        return channel;
    }
}
