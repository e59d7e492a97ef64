package io.pilot.engine.backbone;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.NodeKey;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A registration as the {@link Registry} holds it: the signed bytes once, exactly as the node signed them (what
 * every reply and event serves, without another copy), and the few fields the directory's indexes read, taken from
 * the record once when it arrives. What sits at a fixed place in the signed bytes (the node's key, the sequence,
 * the record's expiry: {@code docs/PROTOCOL.md}, "Signed node records") is read from them when asked, not held again: a
 * {@link NodeKey} with its array cost 72 bytes per record. Capability and group names are the indexes' own
 * instances ({@link NameIndex#names}), a name alone held as itself and not in an array. The lease is the one
 * field that changes: a heartbeat renews it without the registry's lock ({@link #renewLease}), and a sweep that
 * removes a lapsed record claims it first ({@link #claimIfLapsed}), so a heartbeat either lands before the sweep
 * (and the record stays) or finds it removed.
 */
final class HeldRecord {

    /** The lease of a record another backbone keeps (a shared store's): the store's feed removes it. */
    static final long NO_LEASE = Long.MAX_VALUE;
    /** The lease of a record a sweep claimed for removal: no heartbeat renews it any more. */
    private static final long REMOVED = Long.MIN_VALUE;

    private static final int KEY_OFFSET = 3;
    private static final int SEQUENCE_OFFSET = KEY_OFFSET + NodeKey.LENGTH;
    private static final int EXPIRES_OFFSET = SEQUENCE_OFFSET + Long.BYTES;
    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LEASE;

    static {
        try {
            LEASE = MethodHandles.lookup().findVarHandle(HeldRecord.class, "leaseExpiresAtMillis", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final byte[] signed;
    final PilotAddress address;
    final String hostname;
    /** A name alone (a String) or several (a String[]): most records name one capability and one group. */
    private final Object capabilities;
    private final Object groups;
    /** {@link #NO_LEASE} for a record another backbone keeps; {@link #REMOVED} once a sweep claimed it. */
    private volatile long leaseExpiresAtMillis;

    /**
     * @param leaseExpiresAtMillis its lease, or {@link #NO_LEASE} if another backbone of a shared store keeps it
     * @param capabilityNames gives the capability names as the index holds them ({@link NameIndex#names})
     * @param groupNames      the same for group names
     */
    HeldRecord(SignedRecord signed, long leaseExpiresAtMillis, Function<String[], Object> capabilityNames,
            Function<String[], Object> groupNames) {
        NodeRecord record = signed.record();
        this.signed = signed.toBytes();
        this.address = record.address();
        this.hostname = record.hostname();
        this.capabilities = capabilityNames.apply(record.capabilities().stream().map(CapabilityInfo::name).toArray(String[]::new));
        this.groups = groupNames.apply(record.groups().toArray(String[]::new));
        this.leaseExpiresAtMillis = leaseExpiresAtMillis;
        if (sequence() != record.sequence() || expiresAtMillis() != record.expiresAtMillis() || !hasKey(record.key())) {
            throw new IllegalStateException("the signed record's layout is not the one HeldRecord reads");
        }
    }

    /** The signed bytes themselves, not a copy: callers write them out and never change them. */
    byte[] signedBytes() {
        return signed;
    }

    /** The signed record again, decoded and verified: for the rare callers that need one (a shared store's writes). */
    SignedRecord toSignedRecord() {
        return SignedRecord.decode(signed);
    }

    /** The node's key, made from the signed bytes (and checked again): for the rare callers that need one. */
    NodeKey key() {
        return NodeKey.of(Arrays.copyOfRange(signed, KEY_OFFSET, SEQUENCE_OFFSET));
    }

    boolean hasKey(NodeKey key) {
        return Arrays.equals(signed, KEY_OFFSET, SEQUENCE_OFFSET, key.toBytes(), 0, NodeKey.LENGTH);
    }

    long sequence() {
        return (long) BIG_ENDIAN_LONG.get(signed, SEQUENCE_OFFSET);
    }

    long expiresAtMillis() {
        return (long) BIG_ENDIAN_LONG.get(signed, EXPIRES_OFFSET);
    }

    /**
     * Whether its node is attached to this backbone, which keeps its lease; always with a store of one backbone.
     * A record attached to another backbone of a shared store lives here until the store's feed removes it.
     */
    boolean attachedHere() {
        return leaseExpiresAtMillis != NO_LEASE;
    }

    /** Moves its lease to {@code untilMillis}; false if a sweep has claimed it for removal meanwhile. */
    boolean renewLease(long untilMillis) {
        while (true) {
            long lease = leaseExpiresAtMillis;
            if (lease == REMOVED) {
                return false;
            }
            if (LEASE.compareAndSet(this, lease, untilMillis)) {
                return true;
            }
        }
    }

    /** Claims it for removal if it has lapsed at {@code now}: no heartbeat renews it afterwards. */
    boolean claimIfLapsed(long now) {
        while (true) {
            long lease = leaseExpiresAtMillis;
            if (lease > now && expiresAtMillis() > now) {
                return false;
            }
            if (LEASE.compareAndSet(this, lease, REMOVED)) {
                return true;
            }
        }
    }

    /** Whether its lease or the record itself has lapsed at {@code now}. */
    boolean lapsed(long now) {
        return leaseExpiresAtMillis <= now || expiresAtMillis() <= now;
    }

    /** When it lapses unless a heartbeat moves its lease: the earlier of its lease and its record's expiry. */
    long lapsesAtMillis() {
        return Math.min(leaseExpiresAtMillis, expiresAtMillis());
    }

    boolean hasCapability(String name) {
        return contains(capabilities, name);
    }

    boolean inGroup(String name) {
        return contains(groups, name);
    }

    void forEachCapability(Consumer<String> action) {
        forEach(capabilities, action);
    }

    void forEachGroup(Consumer<String> action) {
        forEach(groups, action);
    }

    boolean sameBytes(HeldRecord other) {
        return Arrays.equals(signed, other.signed);
    }

    private static boolean contains(Object names, String name) {
        if (names instanceof String one) {
            return one.equals(name);
        }
        for (String held : (String[]) names) {
            if (held.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static void forEach(Object names, Consumer<String> action) {
        if (names instanceof String one) {
            action.accept(one);
        } else {
            for (String name : (String[]) names) {
                action.accept(name);
            }
        }
    }
}
