package io.pilot.engine.directory;

import io.pilot.engine.identity.Identity;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes this node's record and signs it, each time with a sequence above every earlier one (the backbone
 * keeps only the newest record of a key), and says which endpoints the record lists.
 */
final class RecordSigner {

    private final Identity identity;
    private final int realm;
    private final ClientSettings settings;
    private long sequence;

    RecordSigner(Identity identity, int realm, ClientSettings settings) {
        this.identity = identity;
        this.realm = realm;
        this.settings = settings;
    }

    /**
     * A record valid for the settings' lifetime from now. Its sequence is the time in milliseconds, or one
     * more than the last if that is not less, so a restarted node still publishes above its old records.
     */
    synchronized SignedRecord sign(List<Endpoint> endpoints, Membership groups) {
        long now = System.currentTimeMillis();
        sequence = Math.max(sequence + 1, now);
        NodeRecord record = new NodeRecord(realm, identity.publicKey(), settings.hostname(), settings.capabilities(),
                groups.groups(), endpoints, sequence, now + settings.recordLifetime().toMillis());
        return SignedRecord.sign(record, identity);
    }

    /** The next record is signed after {@code held}: the backbone holds a record of ours that new. */
    synchronized void continueAfter(long held) {
        sequence = Math.max(sequence, held);
    }

    /** Whether a record signed at {@code record}'s time is past half its lifetime and should be signed anew. */
    boolean due(NodeRecord record, long nowMillis) {
        return record.expiresAtMillis() - nowMillis < settings.recordLifetime().toMillis() / 2;
    }

    /**
     * The endpoints to publish: the local socket (every local address when bound to the wildcard, IPv6 link-local ones left out), the
     * reflexive endpoint the backbone sees if it is another, and the backbone's relay, through which this node
     * is always reachable, once the backbone is known.
     *
     * @param reflexive null if not known
     * @param relay null while the backbone is not known
     */
    static List<Endpoint> endpoints(InetSocketAddress local, InetSocketAddress reflexive, InetSocketAddress relay) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (InetSocketAddress address : LocalAddresses.of(local)) {
            // An IPv6 link-local address is useless to a peer without this machine's interface scope.
            if (!(address.getAddress() instanceof Inet6Address && address.getAddress().isLinkLocalAddress())) {
                endpoints.add(new Endpoint(Endpoint.Kind.LOCAL, address));
            }
        }
        if (reflexive != null && endpoints.stream().noneMatch(e -> e.address().equals(reflexive))) {
            endpoints.add(new Endpoint(Endpoint.Kind.REFLEXIVE, reflexive));
        }
        if (relay != null) {
            endpoints.add(new Endpoint(Endpoint.Kind.RELAY, relay));
        }
        return endpoints;
    }
}
