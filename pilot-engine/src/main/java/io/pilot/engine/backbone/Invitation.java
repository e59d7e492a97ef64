package io.pilot.engine.backbone;

import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An invitation into a group, signed by the group's owner for one invitee key on one backbone of one realm,
 * valid until a time:
 * <pre>
 * version u8 (2) | realm u16 | backbone_key[32] | group string8 | invitee_key[32] | expires_at_millis u64 | signature[64]
 * signature = Ed25519(owner, "pilot/invite/v2" | all bytes before it)
 * </pre>
 * It names the invitee's key, so it is useless to anyone who copies it; it names the realm and the backbone,
 * so an owner who runs a group of the same name elsewhere (its key owns groups on several backbones) does not
 * open that group too.
 */
public final class Invitation {

    private static final int VERSION = 2;
    private static final byte[] DOMAIN = "pilot/invite/v2".getBytes(StandardCharsets.US_ASCII);

    private Invitation() {
    }

    /**
     * Signs an invitation.
     *
     * @param realm    the realm of the backbone it is for
     * @param backbone the key of the backbone it is for: no other backbone accepts it
     */
    public static byte[] create(Identity owner, int realm, NodeKey backbone, String group, NodeKey invitee,
            long expiresAtMillis) {
        byte[] unsigned = new BinaryWriter().u8(VERSION).u16(realm).raw(backbone.toBytes()).string8(group)
                .raw(invitee.toBytes()).u64(expiresAtMillis).toBytes();
        return new BinaryWriter().raw(unsigned).raw(owner.sign(concat(DOMAIN, unsigned))).toBytes();
    }

    /**
     * Checks that {@code bytes} is a current invitation by {@code owner} into {@code group} for {@code invitee},
     * made for this backbone of this realm.
     *
     * @throws DirectoryException {@link DirectoryError#GROUP_DENIED}, saying what is wrong
     */
    static void check(byte[] bytes, NodeKey owner, String group, NodeKey invitee, int realm, NodeKey backbone,
            long nowMillis) {
        if (owner == null || bytes.length <= NodeKey.SIGNATURE_LENGTH) {
            throw denied(group, "it is not signed by the group's owner");
        }
        byte[] unsigned = Arrays.copyOf(bytes, bytes.length - NodeKey.SIGNATURE_LENGTH);
        byte[] signature = Arrays.copyOfRange(bytes, unsigned.length, bytes.length);
        if (!owner.verify(concat(DOMAIN, unsigned), signature)) {
            // Also what a version 1 invitation (another domain, no realm or backbone) comes to.
            throw denied(group, "it is not signed by the group's owner, or is of an older format; ask the owner for a new one");
        }
        try {
            BinaryReader reader = new BinaryReader(unsigned);
            if (reader.u8() != VERSION) {
                throw denied(group, "unknown invitation version");
            }
            int invitedRealm = reader.u16();
            byte[] invitedBackbone = reader.raw(NodeKey.LENGTH);
            String invitedGroup = reader.string8();
            byte[] key = reader.raw(NodeKey.LENGTH);
            long expires = reader.u64();
            reader.end();
            if (invitedRealm != realm) {
                throw denied(group, "it is for realm " + invitedRealm + ", this backbone serves realm " + realm);
            }
            if (!Arrays.equals(invitedBackbone, backbone.toBytes())) {
                throw denied(group, "it is for another backbone (key " + NodeKey.of(invitedBackbone) + ")");
            }
            if (!invitedGroup.equals(group)) {
                throw denied(group, "it is for group " + invitedGroup);
            }
            if (!Arrays.equals(key, invitee.toBytes())) {
                throw denied(group, "it names another key");
            }
            if (expires <= nowMillis) {
                throw denied(group, "it expired");
            }
        } catch (DecodeException malformed) {
            throw denied(group, "it is malformed (" + malformed.getMessage() + ")");
        }
    }

    private static DirectoryException denied(String group, String why) {
        return new DirectoryException(DirectoryError.GROUP_DENIED, "the invitation for group " + group
                + " is not valid: " + why);
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
