package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.NodeKey;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * A registration as the {@link Registry} holds it: the signed bytes once, exactly as the node signed them (what
 * every reply and event serves, without another copy), and the few fields the directory's indexes, checks and
 * watches read, taken from the record once when it arrives. The parsed {@link NodeRecord} with its lists, sets,
 * endpoints and metadata maps is not kept: it cost more than three times the signed bytes per record. Capability
 * and group names are the indexes' own instances ({@link NameIndex#names}), so a name shared by many records is held
 * once, and so is the one-name array of records that name only it. The lease is the one field that changes (a heartbeat), under the registry's lock.
 */
final class HeldRecord {

    private final byte[] signed;
    final PilotAddress address;
    final NodeKey key;
    final String hostname;
    final String[] capabilities;
    final String[] groups;
    final long sequence;
    final long expiresAtMillis;
    /**
     * Whether its node is attached to this backbone, which keeps its lease; always with a store of one backbone.
     * A record attached to another backbone of a shared store lives here until the store's feed removes it.
     */
    final boolean attachedHere;
    /** Guarded by the registry's lock. */
    long leaseExpiresAtMillis;

    /**
     * @param capabilityNames gives the capability names as the index holds them ({@link NameIndex#names})
     * @param groupNames      the same for group names
     */
    HeldRecord(SignedRecord signed, long leaseExpiresAtMillis, boolean attachedHere, UnaryOperator<String[]> capabilityNames,
            UnaryOperator<String[]> groupNames) {
        NodeRecord record = signed.record();
        this.signed = signed.toBytes();
        this.address = record.address();
        this.key = record.key();
        this.hostname = record.hostname();
        this.capabilities = capabilityNames.apply(record.capabilities().stream().map(CapabilityInfo::name).toArray(String[]::new));
        this.groups = groupNames.apply(record.groups().toArray(String[]::new));
        this.sequence = record.sequence();
        this.expiresAtMillis = record.expiresAtMillis();
        this.attachedHere = attachedHere;
        this.leaseExpiresAtMillis = leaseExpiresAtMillis;
    }

    /** The signed bytes themselves, not a copy: callers write them out and never change them. */
    byte[] signedBytes() {
        return signed;
    }

    /** The signed record again, decoded and verified: for the rare callers that need one (a shared store's writes). */
    SignedRecord toSignedRecord() {
        return SignedRecord.decode(signed);
    }

    /** Whether its lease or the record itself has lapsed at {@code now}. */
    boolean lapsed(long now) {
        return leaseExpiresAtMillis <= now || expiresAtMillis <= now;
    }

    /** When it lapses unless a heartbeat moves its lease: the earlier of its lease and its record's expiry. */
    long lapsesAtMillis() {
        return Math.min(leaseExpiresAtMillis, expiresAtMillis);
    }

    boolean hasCapability(String name) {
        return contains(capabilities, name);
    }

    boolean inGroup(String name) {
        return contains(groups, name);
    }

    boolean sameBytes(HeldRecord other) {
        return Arrays.equals(signed, other.signed);
    }

    private static boolean contains(String[] names, String name) {
        for (String held : names) {
            if (held.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
