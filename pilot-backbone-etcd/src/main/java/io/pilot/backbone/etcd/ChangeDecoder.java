package io.pilot.backbone.etcd;

import io.etcd.jetcd.KeyValue;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.backbone.DirectoryChange;
import io.pilot.engine.backbone.StoredValues;
import io.pilot.engine.directory.RecordException;
import io.pilot.engine.directory.SignedRecord;

import java.nio.charset.StandardCharsets;
import java.util.function.LongPredicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns etcd's keys and values into {@link DirectoryChange}s. A value that does not decode (or a record stored
 * under another node's address) is skipped with a warning naming the key, and left in etcd as it is: a replica
 * never stops on one bad value, and nothing is overwritten behind an operator's back.
 */
final class ChangeDecoder {

    private static final Logger log = LoggerFactory.getLogger(ChangeDecoder.class);

    private final EtcdKeys keys;
    /** Whether a lease id is this backbone's current lease. */
    private final LongPredicate ownLease;

    ChangeDecoder(EtcdKeys keys, LongPredicate ownLease) {
        this.keys = keys;
        this.ownLease = ownLease;
    }

    DirectoryChange put(KeyValue kv) {
        String key = kv.getKey().toString(StandardCharsets.UTF_8);
        long revision = kv.getModRevision();
        byte[] value = kv.getValue().getBytes();
        try {
            return switch (keys.kind(key)) {
                case RECORD -> {
                    SignedRecord record = SignedRecord.decode(value);
                    if (!record.record().address().toString().equals(keys.name(key))) {
                        throw new IllegalArgumentException("it holds the record of " + record.record().address());
                    }
                    yield new DirectoryChange.RecordPut(record, ownLease.test(kv.getLease()), revision);
                }
                case HOSTNAME -> new DirectoryChange.BindingPut(StoredValues.binding(keys.name(key), value), revision);
                case GROUP -> new DirectoryChange.GroupPut(StoredValues.group(keys.name(key), value), revision);
                case BACKBONE, OTHER -> new DirectoryChange.Skipped(revision); // announcements: BackboneAttachments
            };
        } catch (RecordException | IllegalArgumentException e) {
            log.warn("etcd key '{}' (revision {}) holds no valid directory value ({}); skipped and left as it is",
                    key, revision, e.getMessage());
            return new DirectoryChange.Skipped(revision);
        }
    }

    DirectoryChange delete(KeyValue kv) {
        String key = kv.getKey().toString(StandardCharsets.UTF_8);
        long revision = kv.getModRevision();
        try {
            return switch (keys.kind(key)) {
                case RECORD -> new DirectoryChange.RecordDeleted(PilotAddress.parse(keys.name(key)), revision);
                case HOSTNAME -> new DirectoryChange.BindingDeleted(keys.name(key), revision);
                case GROUP, BACKBONE, OTHER -> new DirectoryChange.Skipped(revision);
            };
        } catch (IllegalArgumentException e) {
            log.warn("etcd key '{}' deleted (revision {}) names no node ({}); skipped", key, revision, e.getMessage());
            return new DirectoryChange.Skipped(revision);
        }
    }
}
