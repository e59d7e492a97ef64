package io.pilot.engine.net;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AttributeKey;
import io.pilot.engine.wire.WireFormat;

/**
 * How large a datagram the other end of a WebSocket connection takes in one frame. Each end says what it takes in
 * a header of the upgrade (the node on its request, the backbone on its 101 answer, docs/PROTOCOL.md §3.8a); an
 * end that says nothing (one from before large datagrams, whose frames stop at {@link WireFormat#MAX_RELAY_DATAGRAM}
 * and which closes the connection on a longer one) gets nothing longer. What was heard is kept on the connection's
 * channel; unreadable or smaller values count as said nothing, larger ones as {@link WireFormat#MAX_LARGE_DATAGRAM}.
 */
final class StreamDatagramSize {

    /** The header: the largest datagram, in bytes, the sender of the header takes in one binary frame. */
    static final String HEADER = "Pilot-Max-Datagram";
    /** What this end takes: any datagram a node accepts over UDP. */
    static final int ACCEPTED = WireFormat.MAX_LARGE_DATAGRAM;

    private static final AttributeKey<Integer> HEARD = AttributeKey.valueOf(StreamDatagramSize.class, "heard");

    private StreamDatagramSize() {
    }

    /** Says in {@code headers} what this end takes. */
    static void announce(HttpHeaders headers) {
        headers.set(HEADER, ACCEPTED);
    }

    /** Keeps on {@code channel} what its other end said in {@code headers}, if it said anything usable. */
    static void heard(Channel channel, HttpHeaders headers) {
        String value = headers.get(HEADER);
        if (value == null || value.isEmpty() || value.length() > 6 || !value.chars().allMatch(Character::isDigit)) {
            return;
        }
        int bytes = Integer.parseInt(value);
        if (bytes > WireFormat.MAX_RELAY_DATAGRAM) {
            channel.attr(HEARD).set(Math.min(bytes, WireFormat.MAX_LARGE_DATAGRAM));
        }
    }

    /** The largest datagram to send down {@code channel}: what its other end said, else the base. */
    static int of(Channel channel) {
        Integer heard = channel.attr(HEARD).get();
        return heard == null ? WireFormat.MAX_RELAY_DATAGRAM : heard;
    }
}
