package io.pilot.backbone.etcd;

import io.etcd.jetcd.ByteSequence;

import java.nio.charset.StandardCharsets;

/**
 * The directory's keys in etcd, one prefix per realm so that realms sharing an etcd stay apart:
 * <pre>
 * /pilot/realm/&lt;realm&gt;/records/&lt;address&gt;     the signed record's bytes, under the lease of the node's backbone
 * /pilot/realm/&lt;realm&gt;/hostnames/&lt;hostname&gt;   a StoredValues binding
 * /pilot/realm/&lt;realm&gt;/groups/&lt;name&gt;          a StoredValues group
 * /pilot/realm/&lt;realm&gt;/backbones/&lt;lease&gt;      where that backbone takes relayed datagrams for its nodes
 *                                               (HOST:PORT,...), under its lease (the lease id in hex)
 * </pre>
 */
final class EtcdKeys {

    enum Kind { RECORD, HOSTNAME, GROUP, BACKBONE, OTHER }

    private static final String RECORDS = "records/";
    private static final String HOSTNAMES = "hostnames/";
    private static final String GROUPS = "groups/";
    private static final String BACKBONES = "backbones/";

    private final String prefix;

    EtcdKeys(int realm) {
        this.prefix = "/pilot/realm/" + realm + "/";
    }

    ByteSequence prefix() {
        return bytes(prefix);
    }

    ByteSequence record(String address) {
        return bytes(prefix + RECORDS + address);
    }

    ByteSequence hostname(String hostname) {
        return bytes(prefix + HOSTNAMES + hostname);
    }

    ByteSequence group(String name) {
        return bytes(prefix + GROUPS + name);
    }

    /** The announcement of the backbone holding lease {@code leaseId}. */
    ByteSequence backbone(long leaseId) {
        return bytes(prefix + BACKBONES + Long.toHexString(leaseId));
    }

    Kind kind(String key) {
        String rest = key.startsWith(prefix) ? key.substring(prefix.length()) : "";
        return rest.startsWith(RECORDS) ? Kind.RECORD : rest.startsWith(HOSTNAMES) ? Kind.HOSTNAME
                : rest.startsWith(GROUPS) ? Kind.GROUP : rest.startsWith(BACKBONES) ? Kind.BACKBONE : Kind.OTHER;
    }

    /** The name a key ends with (an address, a hostname, a group). */
    String name(String key) {
        return key.substring(key.indexOf('/', prefix.length()) + 1);
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
