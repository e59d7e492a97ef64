package io.pilot.engine.directory;

import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.codec.StrictUtf8;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.NodeKey;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The canonical byte form of a signed record (big-endian; strings are length-prefixed UTF-8):
 * <pre>
 * version u8 (1) | realm u16 | node_key[32] | sequence u64 | expires_at_millis u64
 * hostname:     len u8 | bytes
 * capabilities: count u8 | ( name: len u8 | bytes, metadata count u8 | ( key: len u8 | bytes, value: len u16 | bytes )* )*
 * groups:       count u8 | ( len u8 | bytes )*          (sorted, unique)
 * endpoints:    count u8 | ( kind u8 | family u8 (4|6) | address[4|16] | port u16 )*
 * signature[64] = Ed25519(node key, "pilot/record/v1" | all bytes above)
 * </pre>
 * Decoding is strict: every length is checked against what remains and the limits, trailing bytes are
 * refused, groups and each capability's metadata keys must ascend (the one order the encoder writes, so one record
 * has one encoding), and the signature is verified last, against the key inside the record.
 */
final class RecordCodec {

    /** Largest encoded record. */
    static final int MAX_RECORD_BYTES = 16 * 1024;

    private static final int VERSION = 1;
    /** Where the node key starts: after the version byte and the realm. */
    private static final int KEY_OFFSET = 3;
    private static final byte[] DOMAIN = "pilot/record/v1".getBytes(StandardCharsets.US_ASCII);

    private RecordCodec() {
    }

    static byte[] encodeBody(NodeRecord record) {
        ByteBuffer out = ByteBuffer.allocate(MAX_RECORD_BYTES);
        try {
            out.put((byte) VERSION).putShort((short) record.realm()).put(record.key().toBytes())
                    .putLong(record.sequence()).putLong(record.expiresAtMillis());
            putString8(out, record.hostname());
            out.put((byte) record.capabilities().size());
            for (CapabilityInfo capability : record.capabilities()) {
                putString8(out, capability.name());
                out.put((byte) capability.metadata().size());
                for (Map.Entry<String, String> entry : new TreeMap<>(capability.metadata()).entrySet()) {
                    putString8(out, entry.getKey());
                    byte[] value = entry.getValue().getBytes(StandardCharsets.UTF_8);
                    out.putShort((short) value.length).put(value);
                }
            }
            out.put((byte) record.groups().size());
            record.groups().forEach(group -> putString8(out, group));
            out.put((byte) record.endpoints().size());
            for (Endpoint endpoint : record.endpoints()) {
                byte[] ip = endpoint.address().getAddress().getAddress();
                out.put((byte) endpoint.kind().ordinal()).put((byte) (ip.length == 4 ? 4 : 6)).put(ip)
                        .putShort((short) endpoint.address().getPort());
            }
        } catch (BufferOverflowException e) {
            throw new RecordException("record is larger than " + MAX_RECORD_BYTES + " bytes");
        }
        if (out.position() + NodeKey.SIGNATURE_LENGTH > MAX_RECORD_BYTES) {
            throw new RecordException("record is larger than " + MAX_RECORD_BYTES + " bytes");
        }
        byte[] body = new byte[out.position()];
        out.flip().get(body);
        return body;
    }

    static byte[] signedBytes(byte[] body) {
        byte[] signed = new byte[DOMAIN.length + body.length];
        System.arraycopy(DOMAIN, 0, signed, 0, DOMAIN.length);
        System.arraycopy(body, 0, signed, DOMAIN.length, body.length);
        return signed;
    }

    static NodeRecord decode(byte[] bytes) {
        return decode(bytes, address -> null);
    }

    /**
     * Decodes as {@link #decode(byte[])}, unless {@code verified} holds for the address the bytes name a record whose
     * encoding is their body: then that record, neither the key nor the signature checked again (together some 90 µs
     * here, where this costs a hash and an encoding). A record has one encoding, so the same body is the same record,
     * which its owner signed; the signature bytes are not looked at, so the caller keeps the record only.
     *
     * @param verified the record held for an address, decoded with its key and signature checked; or null
     */
    static NodeRecord decode(byte[] bytes, Function<PilotAddress, NodeRecord> verified) {
        NodeRecord known = bytes.length <= MAX_RECORD_BYTES ? verifiedBefore(bytes, verified) : null;
        if (known != null) {
            return known;
        }
        if (bytes.length > MAX_RECORD_BYTES) {
            throw new RecordException("record of " + bytes.length + " bytes exceeds " + MAX_RECORD_BYTES);
        }
        if (bytes.length < NodeKey.SIGNATURE_LENGTH + 1) {
            throw new RecordException("record is truncated");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - NodeKey.SIGNATURE_LENGTH);
        NodeRecord record;
        try {
            record = decodeBody(in);
        } catch (BufferUnderflowException e) {
            throw new RecordException("record is truncated");
        } catch (IllegalArgumentException e) {
            throw new RecordException("record is invalid: " + e.getMessage());
        }
        if (in.hasRemaining()) {
            throw new RecordException("record has " + in.remaining() + " unexpected bytes before its signature");
        }
        byte[] body = Arrays.copyOf(bytes, bytes.length - NodeKey.SIGNATURE_LENGTH);
        byte[] signature = Arrays.copyOfRange(bytes, body.length, bytes.length);
        if (!record.key().verify(signedBytes(body), signature)) {
            throw new RecordException("record signature does not verify against its key " + record.key());
        }
        return record;
    }

    /** The record {@code verified} holds for the address {@code bytes} name, if its encoding is their body. */
    private static NodeRecord verifiedBefore(byte[] bytes, Function<PilotAddress, NodeRecord> verified) {
        int bodyLength = bytes.length - NodeKey.SIGNATURE_LENGTH;
        if (bodyLength < KEY_OFFSET + NodeKey.LENGTH) {
            return null;
        }
        int realm = ((bytes[1] & 0xFF) << 8) | (bytes[2] & 0xFF);
        NodeRecord held = verified.apply(NodeKey.addressOf(Arrays.copyOfRange(bytes, KEY_OFFSET, KEY_OFFSET + NodeKey.LENGTH), realm));
        if (held == null) {
            return null;
        }
        byte[] encoded = encodeBody(held);
        return Arrays.equals(encoded, 0, encoded.length, bytes, 0, bodyLength) ? held : null;
    }

    private static NodeRecord decodeBody(ByteBuffer in) {
        int version = in.get() & 0xFF;
        if (version != VERSION) {
            throw new RecordException("record version " + version + " is not " + VERSION);
        }
        int realm = in.getShort() & 0xFFFF;
        byte[] key = new byte[NodeKey.LENGTH];
        in.get(key);
        NodeKey nodeKey = NodeKey.of(key);
        long sequence = in.getLong();
        long expires = in.getLong();
        String hostname = getString8(in);
        int capabilityCount = in.get() & 0xFF;
        List<CapabilityInfo> capabilities = new ArrayList<>(capabilityCount);
        for (int i = 0; i < capabilityCount; i++) {
            String name = getString8(in);
            int metadataCount = in.get() & 0xFF;
            Map<String, String> metadata = new LinkedHashMap<>();
            String previousKey = null;
            for (int m = 0; m < metadataCount; m++) {
                String metadataKey = ascending(previousKey, getString8(in), "capability " + name + "'s metadata key");
                metadata.put(metadataKey, getString(in, in.getShort() & 0xFFFF));
                previousKey = metadataKey;
            }
            capabilities.add(new CapabilityInfo(name, metadata));
        }
        int groupCount = in.get() & 0xFF;
        TreeSet<String> groups = new TreeSet<>();
        for (int i = 0; i < groupCount; i++) {
            groups.add(ascending(groups.isEmpty() ? null : groups.last(), getString8(in), "group"));
        }
        int endpointCount = in.get() & 0xFF;
        List<Endpoint> endpoints = new ArrayList<>(endpointCount);
        for (int i = 0; i < endpointCount; i++) {
            endpoints.add(getEndpoint(in));
        }
        return new NodeRecord(realm, nodeKey, hostname, capabilities, groups, endpoints, sequence, expires);
    }

    /**
     * {@code next}, if it sorts after {@code previous}: groups and metadata keys are written in ascending order (as
     * {@link String#compareTo} sorts them), each once, so that a record has one encoding and its bytes say it.
     */
    private static String ascending(String previous, String next, String what) {
        if (previous != null && next.compareTo(previous) <= 0) {
            throw new RecordException("record lists " + what + " '" + next + "' " + (next.equals(previous) ? "twice"
                    : "out of order, after '" + previous + "'") + ": a record's groups and metadata keys ascend");
        }
        return next;
    }

    private static Endpoint getEndpoint(ByteBuffer in) {
        int kind = in.get() & 0xFF;
        if (kind >= Endpoint.Kind.values().length) {
            throw new RecordException("unknown endpoint kind " + kind);
        }
        int family = in.get() & 0xFF;
        if (family != 4 && family != 6) {
            throw new RecordException("unknown address family " + family);
        }
        byte[] ip = new byte[family == 4 ? 4 : 16];
        in.get(ip);
        int port = in.getShort() & 0xFFFF;
        try {
            return new Endpoint(Endpoint.Kind.values()[kind], new InetSocketAddress(InetAddress.getByAddress(ip), port));
        } catch (UnknownHostException e) {
            throw new RecordException("bad endpoint address");
        }
    }

    private static void putString8(ByteBuffer out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 255) {
            throw new RecordException("'" + value + "' is longer than 255 bytes");
        }
        out.put((byte) bytes.length).put(bytes);
    }

    private static String getString8(ByteBuffer in) {
        return getString(in, in.get() & 0xFF);
    }

    private static String getString(ByteBuffer in, int length) {
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        ByteBuffer slice = in.slice().limit(length);
        in.position(in.position() + length);
        try {
            return StrictUtf8.decode(slice);
        } catch (DecodeException e) {
            throw new RecordException("record holds text that is not UTF-8");
        }
    }
}
