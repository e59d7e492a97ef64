package io.pilot.engine.wire;

import java.nio.charset.StandardCharsets;

/**
 * Constants of the datagram layer: packet types, the protocol version and sizes. Every datagram a
 * node sends or accepts starts with a 4-byte header {@code type u8 | version u8 | reserved u16}.
 * The byte layouts are documented in {@code docs/PROTOCOL.md} ("Datagrams").
 */
public final class WireFormat {

    /**
     * Protocol version carried in every header and in the Noise prologue. Version 2 signs each identity proof
     * over the handshake hash; a node of another version drops every datagram of this one as
     * {@code WRONG_VERSION} (and this node drops its), so the two never get a handshake answer.
     */
    public static final int VERSION = 2;

    /** The Noise prologue: binds the protocol name and version into the handshake hash. */
    public static final byte[] PROLOGUE = ("pilot/" + VERSION).getBytes(StandardCharsets.US_ASCII);

    public static final int TYPE_HANDSHAKE_INIT = 1;
    public static final int TYPE_HANDSHAKE_RESPONSE = 2;
    public static final int TYPE_HANDSHAKE_FINAL = 3;
    public static final int TYPE_DATA = 4;
    public static final int TYPE_COOKIE_REPLY = 5;
    /** A datagram for another node, handed to a relay: {@code header | target realm u16 | target node u48 | datagram}. */
    public static final int TYPE_RELAY = 6;
    /** A datagram a relay passes on: {@code header | source realm u16 | source node u48 | datagram}. */
    public static final int TYPE_RELAYED = 7;
    /** A relayed datagram one backbone of a realm passes to another, for a node attached there. */
    public static final int TYPE_FORWARD = 8;

    /** type, version, two reserved bytes. */
    public static final int HEADER_LENGTH = 4;

    /** Length of a stateless cookie. */
    public static final int COOKIE_LENGTH = 16;

    /** Length of an AES-GCM tag. */
    public static final int TAG_LENGTH = 16;

    /** DATA header: common header, receiver index u32, counter u64. Also the AEAD associated data. */
    public static final int DATA_HEADER_LENGTH = HEADER_LENGTH + 4 + 8;

    /** Largest UDP payload that crosses a 1280-byte IPv6 path without fragmentation (1280 - 40 - 8). */
    public static final int MAX_DATAGRAM = 1232;

    /**
     * Largest DATA datagram a node accepts, and the largest its path MTU search ({@code transport.PathMtuSearch})
     * tries: a 16 KiB link MTU as an IPv6 UDP payload (16384 - 40 - 8). Four of them fit one UDP GSO write. Only a
     * path probed to carry it gets datagrams above {@link #MAX_DATAGRAM} (docs/PROTOCOL.md, "Datagram size"); on a
     * relayed path that is the whole RELAY datagram, its header included ({@link #MAX_LARGE_RELAY_DATAGRAM}).
     */
    public static final int MAX_LARGE_DATAGRAM = 16_336;

    /** Largest plaintext in a DATA packet of {@link #MAX_LARGE_DATAGRAM} bytes. */
    public static final int MAX_LARGE_DATA_PLAINTEXT = MAX_LARGE_DATAGRAM - DATA_HEADER_LENGTH - TAG_LENGTH;

    /** What a DATA datagram adds to the transport's packet: its header and the AES-GCM tag. */
    public static final int DATA_OVERHEAD = DATA_HEADER_LENGTH + TAG_LENGTH;

    /** A relay header: the common header and a realm and node address. */
    public static final int RELAY_HEADER_LENGTH = HEADER_LENGTH + 2 + 6;

    /**
     * A relayed datagram carries a whole datagram after its relay header, so it is 12 bytes over the
     * 1232-byte budget: relayed paths need 1292 bytes of IPv6 MTU (any IPv4 path of 1500 is fine).
     */
    public static final int MAX_RELAY_DATAGRAM = MAX_DATAGRAM + RELAY_HEADER_LENGTH;

    /**
     * The largest RELAY or RELAYED datagram wrapping DATA: relayed paths search for larger datagrams end to end
     * too, and the relay header counts in the size, so no datagram on any hop exceeds {@link #MAX_LARGE_DATAGRAM}
     * (the DATA inside is at most 16 324 bytes). Any other wrapped type stays within {@link #MAX_RELAY_DATAGRAM}.
     */
    public static final int MAX_LARGE_RELAY_DATAGRAM = MAX_LARGE_DATAGRAM;

    /** A FORWARD header: the common header, the source and target addresses, and the realm's 16-byte tag. */
    public static final int FORWARD_HEADER_LENGTH = HEADER_LENGTH + 8 + 8 + 16;

    /**
     * A FORWARD carries a whole datagram (at most {@link #MAX_DATAGRAM}) after its header: the largest
     * datagram of all, and the size of every receive buffer's slot. It only crosses backbone-to-backbone paths.
     */
    public static final int MAX_FORWARD_DATAGRAM = MAX_DATAGRAM + FORWARD_HEADER_LENGTH;

    /** Largest plaintext in a DATA packet: what the transport may put in one packet. */
    public static final int MAX_DATA_PLAINTEXT = MAX_DATAGRAM - DATA_HEADER_LENGTH - TAG_LENGTH;

    /**
     * Handshake initiations are padded to this size so a responder never answers with more bytes than
     * it received (no amplification), and the path is shown to carry datagrams of nearly full size.
     */
    public static final int HANDSHAKE_INIT_LENGTH = 1200;

    private WireFormat() {
    }
}
