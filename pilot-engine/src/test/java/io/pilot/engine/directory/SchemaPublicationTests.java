package io.pilot.engine.directory;

import io.pilot.engine.identity.Identity;
import io.pilot.engine.schema.CapabilitySchema;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Descriptions and schemas in a signed record: inline while small, by digest past the record's budget. */
class SchemaPublicationTests {

    static final CapabilitySchema SMALL = CapabilitySchema.of(
            "{\"type\":\"object\",\"properties\":{\"doi\":{\"type\":\"string\"}},\"required\":[\"doi\"]}",
            "{\"type\":\"string\"}");

    static CapabilitySchema large(int fields) {
        StringBuilder properties = new StringBuilder();
        for (int i = 0; i < fields; i++) {
            properties.append(i == 0 ? "" : ",").append("\"field").append(i).append("\":{\"type\":\"string\"}");
        }
        return CapabilitySchema.of("{\"type\":\"object\",\"properties\":{" + properties + "}}", "{\"type\":\"null\"}");
    }

    @Test
    void aRecordWithSchemasIsSignedVerifiedAndRoundTripped() {
        SchemaPublication publication = new SchemaPublication();
        publication.add("papers.resolve-citation", "Resolves a citation to its DOI", SMALL);
        CapabilitySchema big = large(100);
        publication.add("papers.search", "", big);
        publication.add(CapabilityInfo.of("papers.legacy"));
        Identity identity = Records.identity();
        NodeRecord record = new NodeRecord(0, identity.publicKey(), "papers", publication.capabilities(), new TreeSet<>(),
                List.of(new Endpoint(Endpoint.Kind.LOCAL, new InetSocketAddress("10.0.0.1", 7000))), 1,
                System.currentTimeMillis() + 60_000);

        NodeRecord decoded = SignedRecord.decode(SignedRecord.sign(record, identity).toBytes()).record();

        assertThat(decoded).isEqualTo(record);
        CapabilityInfo resolve = decoded.capabilities().get(0);
        assertThat(resolve.description()).contains("Resolves a citation to its DOI");
        assertThat(CapabilitySchema.fromDocument(resolve.metadata().get(CapabilityInfo.SCHEMA).getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(SMALL);
        CapabilityInfo search = decoded.capabilities().get(1);
        assertThat(search.description()).isEmpty();
        assertThat(search.metadata()).containsOnlyKeys(CapabilityInfo.SCHEMA_SHA256)
                .containsEntry(CapabilityInfo.SCHEMA_SHA256, big.digest());
        assertThat(decoded.capabilities().get(2).hasSchema()).isFalse();
    }

    @Test
    void inlineSchemasStopAtTheRecordsBudgetAndTheRestGoByDigest() {
        SchemaPublication publication = new SchemaPublication();
        CapabilitySchema almostFull = large(30); // under 1 KiB: inline
        assertThat(almostFull.document().length).isBetween(Names.MAX_METADATA_VALUE / 2, Names.MAX_METADATA_VALUE);
        int capabilities = 2 * SchemaPublication.INLINE_BUDGET / almostFull.document().length;
        for (int i = 0; i < capabilities; i++) {
            publication.add("cap-" + i, "", almostFull);
        }
        List<CapabilityInfo> published = publication.capabilities();
        long inline = published.stream().filter(c -> c.metadata().containsKey(CapabilityInfo.SCHEMA)).count();

        assertThat(inline).isEqualTo(SchemaPublication.INLINE_BUDGET / almostFull.document().length);
        assertThat(published.stream().filter(c -> c.metadata().containsKey(CapabilityInfo.SCHEMA_SHA256)).count())
                .isEqualTo(capabilities - inline);
        Identity identity = Records.identity();
        NodeRecord record = new NodeRecord(0, identity.publicKey(), "many", published, new TreeSet<>(), List.of(), 1, 1L << 41);
        assertThat(SignedRecord.sign(record, identity).size()).isLessThanOrEqualTo(RecordCodec.MAX_RECORD_BYTES);
    }

    @Test
    void aDescriptionTooLongForTheRecordIsRefusedNamingTheCapability() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SchemaPublication().add("papers.search", "x".repeat(1025), SMALL))
                .withMessage("the description of capability 'papers.search' has 1025 bytes of UTF-8; at most 1024 are published");
    }

    @Test
    void aCapabilityPublishedTwiceIsRefused() {
        SchemaPublication publication = new SchemaPublication();
        publication.add("papers.search", "", SMALL);
        assertThatIllegalArgumentException().isThrownBy(() -> publication.add(CapabilityInfo.of("papers.search")))
                .withMessage("capability 'papers.search' is published twice");
    }
}
