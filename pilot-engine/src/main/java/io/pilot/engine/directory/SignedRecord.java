package io.pilot.engine.directory;

import io.pilot.engine.identity.Identity;

import java.util.Arrays;

/**
 * A {@link NodeRecord} with its owner's Ed25519 signature. The bytes travel as they were signed, so the
 * backbone can hand a record on and every client checks it for itself: a backbone can withhold records,
 * but it cannot forge or alter one.
 */
public final class SignedRecord {

    private final NodeRecord record;
    private final byte[] bytes;

    private SignedRecord(NodeRecord record, byte[] bytes) {
        this.record = record;
        this.bytes = bytes;
    }

    /** Signs a record with the identity it describes. */
    public static SignedRecord sign(NodeRecord record, Identity identity) {
        if (!identity.publicKey().equals(record.key())) {
            throw new IllegalArgumentException("a record is signed by the key it describes");
        }
        byte[] body = RecordCodec.encodeBody(record);
        byte[] signature = identity.sign(RecordCodec.signedBytes(body));
        byte[] bytes = Arrays.copyOf(body, body.length + signature.length);
        System.arraycopy(signature, 0, bytes, body.length, signature.length);
        return new SignedRecord(record, bytes);
    }

    /**
     * Decodes and verifies a signed record from the network or a store.
     *
     * @throws RecordException if malformed, too large, or the signature does not verify
     */
    public static SignedRecord decode(byte[] bytes) {
        NodeRecord record = RecordCodec.decode(bytes);
        return new SignedRecord(record, bytes.clone());
    }

    public NodeRecord record() {
        return record;
    }

    /** The signed bytes (a copy). */
    public byte[] toBytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SignedRecord that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SignedRecord[" + record.hostname() + " " + record.address() + " seq " + record.sequence() + "]";
    }
}
