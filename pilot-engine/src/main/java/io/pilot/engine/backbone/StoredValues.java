package io.pilot.engine.backbone;

import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.codec.DecodeException;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.identity.NodeKey;

/**
 * The stored bytes of a hostname binding and of a group definition, the same in every {@link DirectoryStore}
 * (records are stored as their signed bytes):
 * <pre>
 * binding: node_key[32] | released_at_millis u64
 * group:   policy u8 | has_owner u8 [| owner_key[32]] | token_hash bytes16
 * </pre>
 */
public final class StoredValues {

    private StoredValues() {
    }

    public static byte[] binding(HostnameBinding binding) {
        return new BinaryWriter().raw(binding.key().toBytes()).u64(binding.releasedAtMillis()).toBytes();
    }

    /** @throws IllegalArgumentException saying what is wrong with the bytes */
    public static HostnameBinding binding(String hostname, byte[] value) {
        try {
            BinaryReader reader = new BinaryReader(value);
            NodeKey key = NodeKey.of(reader.raw(NodeKey.LENGTH));
            long released = reader.u64();
            reader.end();
            return new HostnameBinding(hostname, key, released);
        } catch (DecodeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public static byte[] group(GroupDefinition group) {
        BinaryWriter value = new BinaryWriter().u8(group.policy().ordinal()).u8(group.owner() == null ? 0 : 1);
        if (group.owner() != null) {
            value.raw(group.owner().toBytes());
        }
        return value.bytes16(group.tokenHash() == null ? new byte[0] : group.tokenHash()).toBytes();
    }

    /** @throws IllegalArgumentException saying what is wrong with the bytes */
    public static GroupDefinition group(String name, byte[] value) {
        try {
            BinaryReader reader = new BinaryReader(value);
            GroupPolicy policy = GroupPolicy.fromWire(reader.u8());
            NodeKey owner = reader.u8() == 1 ? NodeKey.of(reader.raw(NodeKey.LENGTH)) : null;
            byte[] tokenHash = reader.bytes16();
            reader.end();
            return new GroupDefinition(name, policy, owner, tokenHash.length == 0 ? null : tokenHash);
        } catch (DecodeException | DirectoryException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
