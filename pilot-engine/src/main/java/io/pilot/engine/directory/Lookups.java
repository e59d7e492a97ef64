package io.pilot.engine.directory;

import io.pilot.engine.PeerContact;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.directory.DirectoryProtocol.Query;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Looks nodes up at the backbone and trusts none of its answers blindly: every record is verified
 * (signature, realm, expiry) and cached, only records matching the query are returned, and while the
 * backbone is unreachable the cache answers instead.
 */
final class Lookups {

    /** Records a reply may hold to be verified on the calling thread alone; more are verified on every core. */
    static final int VERIFIED_ON_ONE_THREAD = 256;

    private final BackboneCall backbone;
    private final RecordCache cache;
    private final int realm;

    /** @param realm the realm of this node: records of any other are refused */
    Lookups(BackboneCall backbone, RecordCache cache, int realm) {
        this.backbone = backbone;
        this.cache = cache;
        this.realm = realm;
    }

    /** The live node with this hostname. Answers from the cache when the backbone is unreachable. */
    CompletableFuture<NodeRecord> lookup(String hostname) {
        Names.checkHostname(hostname);
        return query(Query.HOSTNAME, hostname).thenApply(records -> records.stream().findFirst()
                .orElseThrow(() -> new DirectoryException(DirectoryError.NOT_FOUND, "no live node is called '" + hostname + "'")));
    }

    /** The live node at this address. */
    CompletableFuture<NodeRecord> lookup(PilotAddress address) {
        return query(Query.ADDRESS, address.toString()).thenApply(records -> records.stream().findFirst()
                .orElseThrow(() -> new DirectoryException(DirectoryError.NOT_FOUND, "no live node at " + address)));
    }

    /** Every live provider of a capability. */
    CompletableFuture<List<NodeRecord>> find(String capability) {
        return query(Query.CAPABILITY, Names.checkCapability(capability));
    }

    /** Every live record. */
    CompletableFuture<List<NodeRecord>> all() {
        return query(Query.ALL, "");
    }

    /** Every live member of a group. */
    CompletableFuture<List<NodeRecord>> members(String group) {
        return query(Query.GROUP, Names.checkGroup(group));
    }

    /** The record of the node at {@code address}: from the cache if it holds a live one, else looked up. */
    CompletableFuture<NodeRecord> recordOf(PilotAddress address) {
        Optional<NodeRecord> cached = cache.get(address, System.currentTimeMillis());
        return cached.isPresent() ? CompletableFuture.completedFuture(cached.get()) : lookup(address);
    }

    /**
     * How to reach a node directly. Relay endpoints are left out: they are not the node, and its traffic
     * reaches it through our own relay when direct paths fail.
     */
    static PeerContact directContact(NodeRecord record) {
        List<InetSocketAddress> direct = directEndpoints(record);
        if (direct.isEmpty()) {
            throw new DirectoryException(DirectoryError.NOT_FOUND, record.address() + " publishes no direct endpoint");
        }
        return new PeerContact(record.key(), direct);
    }

    /** The endpoints a record publishes for reaching the node itself, without its relay's. */
    static List<InetSocketAddress> directEndpoints(NodeRecord record) {
        return record.endpoints().stream().filter(e -> e.kind() != Endpoint.Kind.RELAY).map(Endpoint::address)
                .distinct().toList();
    }

    /**
     * Reads a reply's {@code count u32 | record*}, verifying and caching each record. A reply of many records (a watch's
     * snapshot of a large fleet: about 0.1 ms of one core per record never seen) is verified on every core.
     */
    List<NodeRecord> readRecords(BinaryReader reader) {
        long count = reader.u32();
        List<byte[]> encoded = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            encoded.add(reader.bytes16()); // read whole first: a reply cut short is refused before any work
        }
        return encoded.size() < VERIFIED_ON_ONE_THREAD ? encoded.stream().map(this::accept).toList()
                : encoded.parallelStream().map(this::accept).toList();
    }

    /**
     * What {@code query} selects, asked of the backbone; of the cache when the backbone is unreachable. Asked as one
     * request and reply, which the backbone answers on its event loop when few records match; a reply too large for
     * one message is asked for again in pages.
     */
    CompletableFuture<List<NodeRecord>> query(Query query, String value) {
        byte[] request = new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(query.ordinal()).string8(value).toBytes();
        Function<BinaryReader, List<NodeRecord>> read = reader -> {
            List<NodeRecord> found = readRecords(reader);
            reader.end();
            // Only what was asked for: the backbone chooses what to return, never what it says.
            return found.stream().filter(r -> RecordCache.matches(r, query, value)).toList();
        };
        return backbone.call(request, read)
                .exceptionallyCompose(error -> BackboneCall.unwrap(error) instanceof PilotException e
                        && e.code() == ErrorCode.TOO_LARGE ? backbone.callPaged(request, read) : CompletableFuture.failedFuture(error))
                .exceptionally(error -> {
                    Throwable cause = BackboneCall.unwrap(error);
                    // NOT_REGISTERED: a realm with a join token reads only for members, and this node's lease lapsed
                    // (a backbone restarted empty, an outage) until it registers again: the cache answers meanwhile.
                    if (cause instanceof DirectoryException refusal && refusal.error() != DirectoryError.NOT_REGISTERED) {
                        throw refusal;
                    }
                    List<NodeRecord> cached = cache.find(query, value, System.currentTimeMillis());
                    if (cached.isEmpty()) {
                        throw new DirectoryException(DirectoryError.NOT_FOUND, "the backbone is unreachable ("
                                + cause.getMessage() + ") and nothing is cached for " + query + " " + value);
                    }
                    return cached;
                });
    }

    /** Whether a record from the backbone is of this node's realm and unexpired at {@code nowMillis}. */
    boolean admits(NodeRecord record, long nowMillis) {
        return record.realm() == realm && record.expiresAtMillis() > nowMillis;
    }

    /**
     * Verifies a record from the backbone (signature, realm, expiry) and caches it. A backbone cannot forge
     * records; this also keeps it from handing over stale or foreign ones. A record the cache holds already, verified
     * when it came, is not verified again: a watch renewed after a backbone restart, or a lookup repeated, costs a
     * hash and an encoding per record instead of a key check and an Ed25519 verification (some 30 times as much).
     */
    private NodeRecord accept(byte[] bytes) {
        NodeRecord record = RecordCodec.decode(bytes, cache::held);
        if (record.realm() != realm) {
            throw new RecordException("the backbone returned a record of realm " + record.realm());
        }
        if (record.expiresAtMillis() <= System.currentTimeMillis()) {
            throw new RecordException("the backbone returned an expired record of " + record.address());
        }
        cache.put(record);
        return record;
    }
}
