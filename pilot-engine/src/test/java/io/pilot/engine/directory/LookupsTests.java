package io.pilot.engine.directory;

import io.pilot.engine.PeerContact;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.PilotException;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static io.pilot.engine.directory.FakeBackbone.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LookupsTests {

    private final FakeBackbone backbone = new FakeBackbone();
    private final RecordCache cache = new RecordCache();
    private final Lookups lookups = new Lookups(backbone, cache, 0);

    private final SignedRecord fx = Records.signed(Records.identity(), "fx", "fx.rate", 1);
    private final SignedRecord papers = Records.signed(Records.identity(), "papers", "papers.search", 1);

    @Test
    void returnsOnlyWhatMatchesTheQueryAndCachesWhatItVerified() {
        backbone.reply(records(DirectoryProtocol.ok(), fx, papers));

        assertThat(lookups.find("fx.rate").join()).containsExactly(fx.record());
        assertThat(backbone.op(0)).isEqualTo(DirectoryProtocol.OP_LOOKUP);
        assertThat(cache.get(papers.record().address(), System.currentTimeMillis())).contains(papers.record());
    }

    @Test
    void aRecordHeldAlreadyIsNotVerifiedAgainButAnyOtherRecordIs() {
        backbone.reply(records(DirectoryProtocol.ok(), fx));
        lookups.lookup("fx").join();
        // The same record with its signature spoilt: only a record whose signature is not checked passes.
        byte[] spoilt = fx.toBytes();
        spoilt[spoilt.length - 1] ^= 1;
        backbone.reply(DirectoryProtocol.ok().u32(1).bytes16(spoilt));
        assertThat(lookups.lookup("fx").join()).as("held already: verified when it came").isEqualTo(fx.record());

        Lookups empty = new Lookups(backbone, new RecordCache(), 0);
        backbone.reply(DirectoryProtocol.ok().u32(1).bytes16(spoilt));
        assertThatThrownBy(() -> empty.lookup("fx").join()).as("not held: verified").cause()
                .isInstanceOf(DirectoryException.class).hasMessageContaining("signature does not verify");

        // A newer record of the same node, its signature spoilt, is not the record held.
        Identity owner = Records.identity();
        SignedRecord first = Records.signed(owner, "moving", "fx.rate", 1);
        backbone.reply(records(DirectoryProtocol.ok(), first));
        lookups.lookup("moving").join();
        byte[] newer = Records.signed(owner, "moving", "fx.rate", 2).toBytes();
        newer[newer.length - 1] ^= 1;
        backbone.reply(DirectoryProtocol.ok().u32(1).bytes16(newer));
        assertThat(lookups.lookup("moving").join()).as("refused; the cache answers with the record it verified")
                .isEqualTo(first.record());
        assertThat(cache.get(first.record().address(), System.currentTimeMillis())).contains(first.record());
    }

    @Test
    void aReplyOfManyRecordsIsVerifiedOnEveryCoreAndKeepsItsOrderAndItsRefusals() {
        int many = Lookups.VERIFIED_ON_ONE_THREAD + 44;
        SignedRecord[] records = new SignedRecord[many];
        for (int i = 0; i < many; i++) {
            records[i] = Records.signed(Records.identity(), "fx-" + i, "fx.rate", 1);
        }
        backbone.reply(records(DirectoryProtocol.ok(), records));
        assertThat(lookups.find("fx.rate").join()).containsExactly(java.util.Arrays.stream(records)
                .map(SignedRecord::record).toArray(NodeRecord[]::new));

        // One record among them with its signature spoilt spoils the reply, as with few: the cache answers, with what
        // it held and what verified (PROTOCOL gap 31), never the spoilt one.
        Lookups empty = new Lookups(backbone, new RecordCache(), 0);
        BinaryWriter spoilt = DirectoryProtocol.ok().u32(many);
        for (int i = 0; i < many; i++) {
            byte[] bytes = Records.signed(Records.identity(), "fx-" + i, "fx.rate", 1).toBytes();
            if (i == many - 3) {
                bytes[bytes.length - 1] ^= 1;
            }
            spoilt.bytes16(bytes);
        }
        backbone.reply(spoilt);
        assertThat(empty.find("fx.rate").join()).extracting(NodeRecord::hostname)
                .doesNotContain("fx-" + (many - 3)).hasSizeLessThan(many);
    }

    @Test
    void answersFromTheCacheWhenTheBackboneIsUnreachable() {
        backbone.reply(records(DirectoryProtocol.ok(), fx));
        lookups.lookup("fx").join();
        backbone.fail(new PilotException(ErrorCode.TIMEOUT, "the backbone did not answer"));

        assertThat(lookups.lookup("fx").join()).isEqualTo(fx.record());
    }

    @Test
    void anUnreachableBackboneAndAnEmptyCacheIsNotFound() {
        backbone.fail(new PilotException(ErrorCode.TIMEOUT, "the backbone did not answer"));

        assertThatThrownBy(() -> lookups.members("alpha").join()).cause()
                .isInstanceOfSatisfying(DirectoryException.class, e -> assertThat(e.error()).isEqualTo(DirectoryError.NOT_FOUND))
                .hasMessageContaining("the backbone is unreachable");
    }

    @Test
    void aRefusalIsPassedOnNotAnsweredFromTheCache() {
        backbone.reply(records(DirectoryProtocol.ok(), fx));
        lookups.lookup("fx").join();
        backbone.reply(new BinaryWriter().u8(1 + DirectoryError.TOO_MANY.ordinal())
                .bytes16("slow down".getBytes()));

        assertThatThrownBy(() -> lookups.lookup("fx").join()).cause()
                .isInstanceOfSatisfying(DirectoryException.class, e -> assertThat(e.error()).isEqualTo(DirectoryError.TOO_MANY));
    }

    @Test
    void aTruncatedReplyIsABadRequest() {
        backbone.reply(DirectoryProtocol.ok().u32(2).bytes16(fx.toBytes()));

        assertThatThrownBy(() -> lookups.find("fx.rate").join()).cause()
                .isInstanceOfSatisfying(DirectoryException.class, e -> {
                    assertThat(e.error()).isEqualTo(DirectoryError.BAD_REQUEST);
                    assertThat(e.reason()).isEqualTo("message is truncated");
                });
    }

    @Test
    void recordsOfAnotherRealmOrExpiredAreRefusedAndNeverCached() {
        // A backbone handing over such records is as good as no backbone: the cache answers, here with nothing.
        Identity identity = Records.identity();
        long hour = System.currentTimeMillis() + 3_600_000;
        backbone.reply(records(DirectoryProtocol.ok(), Records.signed(identity, 1, "fx", "fx.rate", 1, hour)));
        assertThatThrownBy(() -> lookups.find("fx.rate").join()).cause().isInstanceOf(DirectoryException.class)
                .hasMessageContaining("a record of realm 1");

        backbone.reply(records(DirectoryProtocol.ok(), Records.signed(identity, 0, "fx", "fx.rate", 1, 1_000)));
        assertThatThrownBy(() -> lookups.find("fx.rate").join()).cause().isInstanceOf(DirectoryException.class)
                .hasMessageContaining("an expired record");

        assertThat(cache.find(DirectoryProtocol.Query.ALL, "", 0)).isEmpty();
    }

    @Test
    void recordOfPrefersTheCache() {
        backbone.reply(records(DirectoryProtocol.ok(), fx));
        lookups.lookup("fx").join();

        assertThat(lookups.recordOf(fx.record().address()).join()).isEqualTo(fx.record());
        assertThat(backbone.requests).as("answered without asking again").hasSize(1);
    }

    @Test
    void aDirectContactLeavesRelaysOutAndNeedsOneDirectEndpoint() {
        Identity identity = Records.identity();
        InetSocketAddress local = new InetSocketAddress("10.0.0.1", 7000);
        InetSocketAddress relay = new InetSocketAddress("192.0.2.1", 7000);
        NodeRecord record = new NodeRecord(0, identity.publicKey(), "fx", List.of(), new TreeSet<>(),
                List.of(new Endpoint(Endpoint.Kind.LOCAL, local), new Endpoint(Endpoint.Kind.RELAY, relay),
                        new Endpoint(Endpoint.Kind.REFLEXIVE, local)), 1, System.currentTimeMillis() + 60_000);

        PeerContact contact = Lookups.directContact(record);
        assertThat(contact.endpoints()).containsExactly(local);

        NodeRecord relayOnly = new NodeRecord(0, identity.publicKey(), "fx", List.of(), new TreeSet<>(),
                List.of(new Endpoint(Endpoint.Kind.RELAY, relay)), 1, System.currentTimeMillis() + 60_000);
        assertThatThrownBy(() -> Lookups.directContact(relayOnly)).isInstanceOfSatisfying(DirectoryException.class,
                e -> assertThat(e.error()).isEqualTo(DirectoryError.NOT_FOUND));
    }
}
