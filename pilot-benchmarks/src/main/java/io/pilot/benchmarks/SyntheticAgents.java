package io.pilot.benchmarks;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.Endpoint;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Agents that exist only as identities and the directory requests they would send, handed to a backbone's
 * directory handler in-process as its node hands over a request that arrived on a session (an
 * {@link IncomingMessage} carrying the sender's proven key). Every agent is a distinct identity, derived from a
 * seed (cheaper than {@code SecureRandom} and repeatable within a run), and its record is signed by it, so the
 * handler's checks (signature, key binding, realm, expiry, rate) all run.
 */
final class SyntheticAgents {

    /** Bytes of a register request around the signed record: op, empty join token, no credentials, length. */
    static final int REGISTER_OVERHEAD = 1 + 1 + 1 + 2;

    private static final byte[] HEARTBEAT = new BinaryWriter().u8(DirectoryProtocol.OP_HEARTBEAT).toBytes();
    private static final byte[] DEREGISTER = new BinaryWriter().u8(DirectoryProtocol.OP_DEREGISTER).toBytes();

    private final int realm;
    private final long salt = new SplittableRandom().nextLong();

    /** @param realm the realm of the backbone the requests go to */
    SyntheticAgents(int realm) {
        this.realm = realm;
    }

    Identity identity(int agent) {
        byte[] seed = ByteBuffer.allocate(Identity.SEED_LENGTH).putLong(salt).putLong(agent).putLong(~salt).array();
        return Identity.fromSeed(seed);
    }

    /**
     * A register request from {@code identity}: one hostname, one capability, the group {@code bench}, one
     * loopback endpoint, valid for an hour.
     */
    IncomingMessage register(Identity identity, int agent, String hostname, String capability) {
        return request(identity.publicKey(), registerBody(identity, agent, hostname, capability));
    }

    /** The body of {@link #register}: what a node sends to the directory's port to register. */
    byte[] registerBody(Identity identity, int agent, String hostname, String capability) {
        long expires = System.currentTimeMillis() + Duration.ofHours(1).toMillis();
        NodeRecord record = new NodeRecord(realm, identity.publicKey(), hostname,
                List.of(CapabilityInfo.of(capability)), new TreeSet<>(List.of("bench")),
                List.of(new Endpoint(Endpoint.Kind.LOCAL, new InetSocketAddress("127.0.0.1", 10_000 + agent % 50_000))),
                1, expires);
        return new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER).string8("").u8(0)
                .bytes16(SignedRecord.sign(record, identity).toBytes()).toBytes();
    }

    /** The body of a heartbeat (a copy). */
    static byte[] heartbeatBody() {
        return HEARTBEAT.clone();
    }

    /** A heartbeat from {@code key}: it carries nothing, so one message can be handed over again and again. */
    IncomingMessage heartbeat(NodeKey key) {
        return request(key, HEARTBEAT);
    }

    IncomingMessage deregister(NodeKey key) {
        return request(key, DEREGISTER);
    }

    /** A request from {@code key} on the directory port, as a backbone's node hands it to the directory. */
    IncomingMessage request(NodeKey key, byte[] body) {
        PilotAddress address = key.address(realm);
        return new IncomingMessage(address, key, DirectoryProtocol.PORT, Message.of(body), true);
    }
}
