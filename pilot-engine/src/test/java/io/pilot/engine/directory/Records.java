package io.pilot.engine.directory;

import io.pilot.engine.identity.Identity;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.TreeSet;

/** Signed records for the client's unit tests: realm 0, valid for an hour. */
final class Records {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Records() {
    }

    static Identity identity() {
        return Identity.generate(RANDOM);
    }

    static SignedRecord signed(Identity identity, String hostname, String capability, long sequence) {
        return signed(identity, 0, hostname, capability, sequence, System.currentTimeMillis() + 3_600_000);
    }

    static SignedRecord signed(Identity identity, int realm, String hostname, String capability, long sequence,
                               long expiresAtMillis) {
        return signed(identity, realm, hostname, capability, sequence, expiresAtMillis, 7000);
    }

    /** A record published at 10.0.0.1:{@code port}. */
    static SignedRecord signed(Identity identity, int realm, String hostname, String capability, long sequence,
                               long expiresAtMillis, int port) {
        NodeRecord record = new NodeRecord(realm, identity.publicKey(), hostname, List.of(CapabilityInfo.of(capability)),
                new TreeSet<>(), List.of(new Endpoint(Endpoint.Kind.LOCAL, new InetSocketAddress("10.0.0.1", port))),
                sequence, expiresAtMillis);
        return SignedRecord.sign(record, identity);
    }
}
