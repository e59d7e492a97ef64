package io.pilot.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.BackboneDirectory;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.codec.BinaryReader;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * The directory protocol both ways. {@link #request}: what any realm member with a session may send to a
 * backbone's port 2; the backbone answers every request with a reply that is ok or one of its errors, and
 * never fails the call. {@link #reply}: what a node reads back; {@link DirectoryProtocol#readReply} gives a
 * reader or a {@link DirectoryException}.
 */
@Timeout(10)
class DirectoryRequestFuzzTests {

    /** The sender's identity is fixed: the seeds' REGISTER requests carry its signed record. */
    static final Identity SENDER = Identity.fromSeed(SeedCorpus.seedBytes(7));

    private static PilotNode node;
    private static BackboneDirectory directory;

    @BeforeAll
    static void startBackboneNode() {
        node = PilotNode.builder().identity(Identity.fromSeed(SeedCorpus.seedBytes(1))).bindAddress("127.0.0.1", 0)
                .build().start();
        directory = new BackboneDirectory(node, BackboneSettings.DEFAULTS, DirectoryStore.none());
    }

    @AfterAll
    static void stopBackboneNode() {
        node.close();
    }

    @FuzzTest
    void request(byte[] bytes) throws Exception {
        IncomingMessage in = new IncomingMessage(SENDER.publicKey().address(node.address().realm()), SENDER.publicKey(),
                DirectoryProtocol.PORT, Message.of(bytes), true);
        Message reply = directory.handle(in).toCompletableFuture().get(5, TimeUnit.SECONDS);
        try {
            DirectoryProtocol.readReply(reply.body());
        } catch (DirectoryException e) {
            assertThat(e.error()).isNotNull();
        }
    }

    @FuzzTest
    void reply(byte[] bytes) {
        BinaryReader reader;
        try {
            reader = DirectoryProtocol.readReply(bytes);
        } catch (DirectoryException e) {
            assertThat(e.error()).isIn((Object[]) DirectoryError.values());
            return;
        }
        assertThat(reader.remaining()).isEqualTo(bytes.length - 1);
    }
}
