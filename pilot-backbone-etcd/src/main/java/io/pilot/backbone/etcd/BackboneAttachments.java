package io.pilot.backbone.etcd;

import io.etcd.jetcd.KeyValue;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotAddress;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which backbone each node is attached to, and where each backbone takes relayed datagrams for its nodes, as
 * etcd says: a node's record is put under the lease of the backbone it registered through, and each backbone
 * announces its relay endpoints under its lease ({@link EtcdKeys#backbone}). Both are read from the keys and
 * events the replica's feed already sees, so this costs etcd nothing per node. Written by the feed's thread, read
 * on the event loop for every relayed datagram.
 */
final class BackboneAttachments {

    private static final Logger log = LoggerFactory.getLogger(BackboneAttachments.class);

    private final EtcdKeys keys;
    /** Whether a lease id is this backbone's current lease. */
    private final LongPredicate ownLease;
    private final Map<PilotAddress, Long> leaseOfNode = new ConcurrentHashMap<>();
    private final Map<Long, InetSocketAddress> relayOfLease = new ConcurrentHashMap<>();

    BackboneAttachments(EtcdKeys keys, LongPredicate ownLease) {
        this.keys = keys;
        this.ownLease = ownLease;
    }

    /** Forgets everything: before a full read of the directory (the first load, or a reload after a compaction). */
    void clear() {
        leaseOfNode.clear();
        relayOfLease.clear();
    }

    /** A key put (or, with {@code deleted}, deleted) in the realm's prefix, from the load or the watch. */
    void observe(KeyValue kv, boolean deleted) {
        String key = kv.getKey().toString(StandardCharsets.UTF_8);
        try {
            switch (keys.kind(key)) {
                case RECORD -> {
                    PilotAddress node = PilotAddress.parse(keys.name(key));
                    if (deleted || kv.getLease() == 0) {
                        leaseOfNode.remove(node);
                    } else {
                        leaseOfNode.put(node, kv.getLease());
                    }
                }
                case BACKBONE -> {
                    long lease = Long.parseUnsignedLong(keys.name(key), 16);
                    if (deleted) {
                        relayOfLease.remove(lease);
                    } else {
                        relayOfLease.put(lease, endpoints(kv.getValue().toString(StandardCharsets.UTF_8)).get(0));
                    }
                }
                default -> {
                    // hostnames and groups say nothing of attachments
                }
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            log.warn("etcd key '{}' (revision {}) is no valid attachment ({}); ignored for relaying", key,
                    kv.getModRevision(), e.getMessage());
        }
    }

    /** Where the other backbone {@code node} is attached to takes relayed datagrams; null if here or unknown. */
    InetSocketAddress backboneOf(PilotAddress node) {
        Long lease = leaseOfNode.get(node);
        return lease == null || ownLease.test(lease) ? null : relayOfLease.get(lease);
    }

    /** The value of an announcement: {@code HOST:PORT,...}, IP literals as {@link HostPort#format} writes them. */
    static String value(List<InetSocketAddress> endpoints) {
        return String.join(",", endpoints.stream().map(HostPort::format).toList());
    }

    private static List<InetSocketAddress> endpoints(String value) {
        List<InetSocketAddress> endpoints = new ArrayList<>();
        for (String text : value.split(",")) {
            InetSocketAddress endpoint = HostPort.parse(text.trim());
            if (endpoint.isUnresolved()) {
                throw new IllegalArgumentException("'" + text + "' is no IP address and port");
            }
            endpoints.add(endpoint);
        }
        return endpoints;
    }
}
