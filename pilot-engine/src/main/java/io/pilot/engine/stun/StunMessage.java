package io.pilot.engine.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.zip.CRC32;

/**
 * A STUN message (RFC 8489) and its codec: a 20-byte header ({@code type u16 | length u16 |
 * magic cookie u32 | transaction id 96 bits}) and attributes ({@code type u16 | length u16 | value},
 * padded to 4 bytes). The decoder is strict and total: whatever the bytes, it answers with a
 * {@link Decoded} that holds either a message or the reason there is none, and never throws, because
 * it runs on datagrams from anyone on the node's only socket.
 *
 * <p>FINGERPRINT is not kept among the attributes: it is verified when decoding (a message whose
 * fingerprint does not match is rejected) and appended when encoding a message built with
 * {@link Builder#fingerprint()}; {@link #fingerprinted()} tells whether it is there.
 */
public final class StunMessage {

    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_LENGTH = 20;
    public static final int TRANSACTION_ID_LENGTH = 12;
    /** More attributes than any Binding exchange needs; the decoder refuses the rest unread. */
    public static final int MAX_ATTRIBUTES = 32;

    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;

    private static final int FINGERPRINT_XOR = 0x5354554E;
    private static final int FINGERPRINT_ATTRIBUTE_LENGTH = 8;
    private static final int MAX_BODY_LENGTH = 0xFFFF & ~3;

    /** Either a message or, in {@code error}, why the bytes are not one. */
    public record Decoded(StunMessage message, String error) {

        public boolean ok() {
            return message != null;
        }
    }

    private final int type;
    private final int cookie;
    private final byte[] transactionId;
    private final List<StunAttribute> attributes;
    private final boolean fingerprinted;

    private StunMessage(int type, int cookie, byte[] transactionId, List<StunAttribute> attributes,
                        boolean fingerprinted) {
        this.type = type;
        this.cookie = cookie;
        this.transactionId = transactionId;
        this.attributes = List.copyOf(attributes);
        this.fingerprinted = fingerprinted;
    }

    /** A builder for an RFC 8489 message (with the magic cookie). */
    public static Builder builder(int type, byte[] transactionId) {
        return new Builder(type, MAGIC_COOKIE, transactionId);
    }

    /**
     * A builder for an answer to {@code request}: same cookie field and transaction id. An RFC 3489
     * request has no magic cookie; RFC 8489 section 12 says to echo whatever the field held.
     */
    public static Builder answerTo(StunMessage request, int type) {
        return new Builder(type, request.cookie, request.transactionId);
    }

    /** Decodes an RFC 8489 message: the magic cookie is required. */
    public static Decoded decode(ByteBuf datagram) {
        return decode(datagram, true);
    }

    /**
     * Decodes a Binding request from an RFC 3489 client, whose header has no magic cookie (those 32 bits
     * are part of its 128-bit transaction id). Only Binding requests are accepted in this form: it is
     * all a server needs to answer such clients.
     */
    public static Decoded decodeClassicBindingRequest(ByteBuf datagram) {
        Decoded decoded = decode(datagram, false);
        if (decoded.ok() && decoded.message().type != BINDING_REQUEST) {
            return failure("RFC 3489 message other than a Binding request");
        }
        return decoded;
    }

    private static Decoded decode(ByteBuf in, boolean requireCookie) {
        int size = in.readableBytes();
        if (size < HEADER_LENGTH) {
            return failure("shorter than a STUN header: " + size + " bytes");
        }
        int start = in.readerIndex();
        int type = in.getUnsignedShort(start);
        if ((type & 0xC000) != 0) {
            return failure("top two bits of the message type are not zero");
        }
        int length = in.getUnsignedShort(start + 2);
        if (length % 4 != 0) {
            return failure("message length " + length + " is not a multiple of 4");
        }
        if (length != size - HEADER_LENGTH) {
            return failure("message length " + length + " but " + (size - HEADER_LENGTH) + " bytes follow the header");
        }
        int cookie = in.getInt(start + 4);
        if (requireCookie && cookie != MAGIC_COOKIE) {
            return failure("no magic cookie");
        }
        byte[] transactionId = new byte[TRANSACTION_ID_LENGTH];
        in.getBytes(start + 8, transactionId);

        List<StunAttribute> attributes = new ArrayList<>();
        boolean fingerprinted = false;
        int end = start + size;
        int position = start + HEADER_LENGTH;
        int count = 0;
        // position stays 4-aligned relative to start and the body length is a multiple of 4, so an
        // attribute header (4 bytes) always fits whenever position < end.
        while (position < end) {
            if (fingerprinted) {
                return failure("attribute after FINGERPRINT");
            }
            if (++count > MAX_ATTRIBUTES) {
                return failure("more than " + MAX_ATTRIBUTES + " attributes");
            }
            int attributeType = in.getUnsignedShort(position);
            int valueLength = in.getUnsignedShort(position + 2);
            int padded = padded(valueLength);
            if (padded > end - position - 4) {
                return failure(String.format("attribute 0x%04x of %d bytes runs past the end of the message",
                        attributeType, valueLength));
            }
            byte[] value = new byte[valueLength];
            in.getBytes(position + 4, value);
            if (attributeType == StunAttribute.FINGERPRINT) {
                if (valueLength != 4) {
                    return failure("FINGERPRINT is not 4 bytes");
                }
                if (in.getInt(position + 4) != fingerprint(in, start, position - start)) {
                    return failure("FINGERPRINT does not match");
                }
                fingerprinted = true;
            } else {
                String problem = StunAttribute.problem(attributeType, value);
                if (problem != null) {
                    return failure(problem);
                }
                attributes.add(new StunAttribute(attributeType, value));
            }
            position += 4 + padded;
        }
        return new Decoded(new StunMessage(type, cookie, transactionId, attributes, fingerprinted), null);
    }

    /** Writes the message, with a FINGERPRINT last when it was built with one. */
    public ByteBuf encode(ByteBufAllocator allocator) {
        int bodyLength = bodyLength(attributes, fingerprinted);
        ByteBuf out = allocator.buffer(HEADER_LENGTH + bodyLength);
        out.writeShort(type).writeShort(bodyLength).writeInt(cookie).writeBytes(transactionId);
        for (StunAttribute attribute : attributes) {
            out.writeShort(attribute.type()).writeShort(attribute.length()).writeBytes(attribute.rawValue())
                    .writeZero(padded(attribute.length()) - attribute.length());
        }
        if (fingerprinted) {
            int crc = fingerprint(out, out.readerIndex(), out.readableBytes());
            out.writeShort(StunAttribute.FINGERPRINT).writeShort(4).writeInt(crc);
        }
        return out;
    }

    public int type() {
        return type;
    }

    /** The 32 bits after the length: {@link #MAGIC_COOKIE} except in an RFC 3489 request. */
    public int magicCookie() {
        return cookie;
    }

    public boolean hasMagicCookie() {
        return cookie == MAGIC_COOKIE;
    }

    /** A copy of the 96-bit transaction id. */
    public byte[] transactionId() {
        return transactionId.clone();
    }

    /** Every attribute but FINGERPRINT, in message order. */
    public List<StunAttribute> attributes() {
        return attributes;
    }

    public boolean fingerprinted() {
        return fingerprinted;
    }

    public Optional<InetSocketAddress> xorMappedAddress() {
        return first(StunAttribute.XOR_MAPPED_ADDRESS).map(value -> StunAddress.decode(value, xorKey()));
    }

    public Optional<InetSocketAddress> mappedAddress() {
        return first(StunAttribute.MAPPED_ADDRESS).map(value -> StunAddress.decode(value, null));
    }

    public Optional<String> software() {
        return first(StunAttribute.SOFTWARE).map(value -> new String(value, StandardCharsets.UTF_8));
    }

    public Optional<StunErrorCode> errorCode() {
        return first(StunAttribute.ERROR_CODE).map(StunErrorCode::decode);
    }

    /** The attribute types listed in UNKNOWN-ATTRIBUTES; empty when there is none. */
    public List<Integer> unknownAttributes() {
        byte[] value = first(StunAttribute.UNKNOWN_ATTRIBUTES).orElse(new byte[0]);
        List<Integer> types = new ArrayList<>(value.length / 2);
        for (int i = 0; i < value.length; i += 2) {
            types.add((value[i] & 0xFF) << 8 | value[i + 1] & 0xFF);
        }
        return types;
    }

    /** The CHANGE-REQUEST flags (0x04 change IP, 0x02 change port), if the attribute is present. */
    public OptionalInt changeRequest() {
        return first(StunAttribute.CHANGE_REQUEST)
                .map(v -> OptionalInt.of((v[0] & 0xFF) << 24 | (v[1] & 0xFF) << 16 | (v[2] & 0xFF) << 8 | v[3] & 0xFF))
                .orElse(OptionalInt.empty());
    }

    /** RFC 8489: when an attribute type repeats, only the first occurrence counts. */
    private Optional<byte[]> first(int attributeType) {
        return attributes.stream().filter(a -> a.type() == attributeType).findFirst().map(StunAttribute::rawValue);
    }

    /** Cookie and transaction id: the key XOR-MAPPED-ADDRESS is XORed with. */
    private byte[] xorKey() {
        return xorKey(cookie, transactionId);
    }

    private static byte[] xorKey(int cookie, byte[] transactionId) {
        byte[] key = new byte[4 + TRANSACTION_ID_LENGTH];
        key[0] = (byte) (cookie >>> 24);
        key[1] = (byte) (cookie >>> 16);
        key[2] = (byte) (cookie >>> 8);
        key[3] = (byte) cookie;
        System.arraycopy(transactionId, 0, key, 4, TRANSACTION_ID_LENGTH);
        return key;
    }

    /**
     * CRC-32 of the message up to the FINGERPRINT attribute, XOR 0x5354554E. The header's length field
     * must already count the FINGERPRINT attribute: on decode it does, on encode it was written so.
     */
    private static int fingerprint(ByteBuf message, int start, int length) {
        CRC32 crc = new CRC32();
        crc.update(message.nioBuffer(start, length));
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    private static int padded(int length) {
        return (length + 3) & ~3;
    }

    private static int bodyLength(List<StunAttribute> attributes, boolean fingerprinted) {
        int length = fingerprinted ? FINGERPRINT_ATTRIBUTE_LENGTH : 0;
        for (StunAttribute attribute : attributes) {
            length += 4 + padded(attribute.length());
        }
        return length;
    }

    private static Decoded failure(String error) {
        return new Decoded(null, error);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StunMessage that && type == that.type && cookie == that.cookie
                && fingerprinted == that.fingerprinted && Arrays.equals(transactionId, that.transactionId)
                && attributes.equals(that.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, cookie, Arrays.hashCode(transactionId), attributes, fingerprinted);
    }

    @Override
    public String toString() {
        return String.format("StunMessage[type=0x%04x, cookie=0x%08x, transaction=%s, attributes=%s%s]", type,
                cookie, HexFormat.of().formatHex(transactionId), attributes, fingerprinted ? ", fingerprinted" : "");
    }

    /** Assembles a message attribute by attribute; typed adders encode values against this header. */
    public static final class Builder {

        private final int type;
        private final int cookie;
        private final byte[] transactionId;
        private final List<StunAttribute> attributes = new ArrayList<>();
        private boolean fingerprint;

        private Builder(int type, int cookie, byte[] transactionId) {
            if ((type & ~0x3FFF) != 0) {
                throw new IllegalArgumentException("a STUN message type has 14 bits: " + type);
            }
            if (transactionId.length != TRANSACTION_ID_LENGTH) {
                throw new IllegalArgumentException("a transaction id has 12 bytes");
            }
            this.type = type;
            this.cookie = cookie;
            this.transactionId = transactionId.clone();
        }

        public Builder xorMappedAddress(InetSocketAddress address) {
            return attribute(StunAttribute.XOR_MAPPED_ADDRESS, StunAddress.encode(address, xorKey(cookie, transactionId)));
        }

        public Builder mappedAddress(InetSocketAddress address) {
            return attribute(StunAttribute.MAPPED_ADDRESS, StunAddress.encode(address, null));
        }

        public Builder software(String software) {
            return attribute(StunAttribute.SOFTWARE, software.getBytes(StandardCharsets.UTF_8));
        }

        public Builder errorCode(StunErrorCode errorCode) {
            return attribute(StunAttribute.ERROR_CODE, errorCode.encode());
        }

        public Builder unknownAttributes(List<Integer> types) {
            byte[] value = new byte[2 * types.size()];
            for (int i = 0; i < types.size(); i++) {
                value[2 * i] = (byte) (types.get(i) >>> 8);
                value[2 * i + 1] = types.get(i).byteValue();
            }
            return attribute(StunAttribute.UNKNOWN_ATTRIBUTES, value);
        }

        /**
         * Adds an attribute as raw bytes, for types without a typed adder.
         *
         * @throws IllegalArgumentException for FINGERPRINT (use {@link #fingerprint()}) or a value this
         *                                  package could not read back
         */
        public Builder attribute(int attributeType, byte[] value) {
            if (attributeType == StunAttribute.FINGERPRINT) {
                throw new IllegalArgumentException("FINGERPRINT is computed on encoding: call fingerprint()");
            }
            if ((attributeType & ~0xFFFF) != 0 || value.length > 0xFFFF) {
                throw new IllegalArgumentException("attribute type and length have 16 bits each");
            }
            String problem = StunAttribute.problem(attributeType, value);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            attributes.add(new StunAttribute(attributeType, value.clone()));
            return this;
        }

        /** Appends a FINGERPRINT when encoding, so the receiver can tell STUN from other traffic. */
        public Builder fingerprint() {
            this.fingerprint = true;
            return this;
        }

        /** @throws IllegalArgumentException if the message could not be decoded back (too big, too many attributes) */
        public StunMessage build() {
            if (attributes.size() + (fingerprint ? 1 : 0) > MAX_ATTRIBUTES) {
                throw new IllegalArgumentException("more than " + MAX_ATTRIBUTES + " attributes");
            }
            if (bodyLength(attributes, fingerprint) > MAX_BODY_LENGTH) {
                throw new IllegalArgumentException("message body longer than " + MAX_BODY_LENGTH + " bytes");
            }
            return new StunMessage(type, cookie, transactionId, attributes, fingerprint);
        }
    }
}
