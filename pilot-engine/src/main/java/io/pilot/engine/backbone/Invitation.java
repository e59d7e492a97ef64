package io.pilot.engine.backbone;

import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An invitation into a group, signed by the group's owner for one invitee key, valid until a time:
 * <pre>
 * version u8 (1) | group string8 | invitee_key[32] | expires_at_millis u64 | signature[64]
 * signature = Ed25519(owner, "pilot/invite/v1" | all bytes before it)
 * </pre>
 * It names the invitee's key, so it is useless to anyone who copies it.
 */
public final class Invitation {

    private static final byte[] DOMAIN = "pilot/invite/v1".getBytes(StandardCharsets.US_ASCII);

    private Invitation() {
    }

    public static byte[] create(Identity owner, String group, NodeKey invitee, long expiresAtMillis) {
        byte[] unsigned = new BinaryWriter().u8(1).string8(group).raw(invitee.toBytes()).u64(expiresAtMillis).toBytes();
        return new BinaryWriter().raw(unsigned).raw(owner.sign(concat(DOMAIN, unsigned))).toBytes();
    }

    /** Whether {@code bytes} is a current invitation by {@code owner} into {@code group} for {@code invitee}. */
    static boolean verify(byte[] bytes, NodeKey owner, String group, NodeKey invitee, long nowMillis) {
        if (owner == null || bytes.length <= NodeKey.SIGNATURE_LENGTH) {
            return false;
        }
        byte[] unsigned = Arrays.copyOf(bytes, bytes.length - NodeKey.SIGNATURE_LENGTH);
        byte[] signature = Arrays.copyOfRange(bytes, unsigned.length, bytes.length);
        if (!owner.verify(concat(DOMAIN, unsigned), signature)) {
            return false;
        }
        try {
            BinaryReader reader = new BinaryReader(unsigned);
            if (reader.u8() != 1 || !reader.string8().equals(group)) {
                return false;
            }
            byte[] key = reader.raw(NodeKey.LENGTH);
            long expires = reader.u64();
            reader.end();
            return Arrays.equals(key, invitee.toBytes()) && expires > nowMillis;
        } catch (DecodeException malformed) {
            return false;
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, offset, part.length);
            offset += part.length;
        }
        return all;
    }
}
