package io.pilot.engine.backbone;

import io.pilot.engine.TestNodes;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;

import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

/**
 * Agents that exist only as identities and the register requests they would send, handed to a directory in-process as
 * a backbone's node hands over a request from a session: records of many agents without a node each.
 */
final class InProcessAgents {

    private InProcessAgents() {
    }

    /** The register request of a fresh identity's record, one capability (or none), valid for an hour. */
    static IncomingMessage register(Identity agent, int realm, String hostname, String capability) {
        List<CapabilityInfo> capabilities = capability == null ? List.of() : List.of(CapabilityInfo.of(capability));
        NodeRecord record = new NodeRecord(realm, agent.publicKey(), hostname, capabilities, new TreeSet<>(), List.of(), 1,
                System.currentTimeMillis() + Duration.ofHours(1).toMillis());
        byte[] body = new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER).string8("").u8(0)
                .bytes16(SignedRecord.sign(record, agent).toBytes()).toBytes();
        return new IncomingMessage(agent.publicKey().address(realm), agent.publicKey(), DirectoryProtocol.PORT,
                Message.of(body), true);
    }

    /** Registers {@code count} agents called {@code hostname-i}, each offering {@code capability}. */
    static void registerMany(BackboneDirectory directory, int realm, int count, String hostname, String capability) {
        for (int i = 0; i < count; i++) {
            registered(directory, register(TestNodes.newIdentity(), realm, hostname + "-" + i, capability));
        }
    }

    /** Hands {@code request} to the directory and fails unless it registered. */
    static void registered(BackboneDirectory directory, IncomingMessage request) {
        DirectoryProtocol.readReply(directory.handle(request).toCompletableFuture().join().body());
    }
}
