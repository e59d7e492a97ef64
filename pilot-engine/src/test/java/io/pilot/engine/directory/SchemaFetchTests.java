package io.pilot.engine.directory;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.address.Ports;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;
import io.pilot.engine.schema.CapabilitySchema;
import io.pilot.engine.schema.SchemaException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Schemas read from real records of real agents: inline, fetched on demand and verified, tampered and refused. */
class SchemaFetchTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private PilotNode backboneNode;
    private DirectoryClient caller;

    @BeforeEach
    void startRealm() {
        backboneNode = nodes.start();
        closeables.add(0, Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none()));
        caller = started(DirectoryClient.builder(nodes.start()).hostname("caller"));
    }

    private DirectoryClient started(DirectoryClient.Builder builder) {
        DirectoryClient client = builder.backbone(backboneNode.localEndpoint(), backboneNode.publicKey()).build();
        closeables.add(0, client);
        client.start().join();
        return client;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    @Test
    void inlineAndFetchedSchemasAreReadFromTheProvidersRecord() {
        CapabilitySchema big = SchemaPublicationTests.large(200);
        started(DirectoryClient.builder(nodes.start()).hostname("papers")
                .capability("papers.resolve-citation", "Resolves a citation", SchemaPublicationTests.SMALL)
                .capability("papers.search", "Searches papers", big)
                .capability("papers.legacy"));
        NodeRecord papers = caller.lookup("papers").join();

        assertThat(caller.schema(papers, "papers.resolve-citation").join()).contains(SchemaPublicationTests.SMALL);
        assertThat(papers.capabilities().get(1).metadata()).containsKey(CapabilityInfo.SCHEMA_SHA256);
        assertThat(caller.schema(papers, "papers.search").join()).contains(big);
        assertThat(caller.schema(papers, "papers.legacy").join()).isEmpty();
        assertThatExceptionOfType(CompletionException.class).isThrownBy(() -> caller.schema(papers, "papers.other").join())
                .withCauseInstanceOf(IllegalArgumentException.class).withMessageContaining("papers does not offer 'papers.other'");
    }

    @Test
    void aDocumentThatDoesNotMatchTheSignedDigestIsRefused() throws Exception {
        CapabilitySchema published = SchemaPublicationTests.large(200);
        byte[] tampered = new String(published.document(), StandardCharsets.UTF_8).replace("field7\"", "field8\"")
                .getBytes(StandardCharsets.UTF_8);
        // A node whose record names the genuine digest but whose schema port hands out other bytes.
        PilotNode liar = nodes.start();
        AtomicInteger asked = new AtomicInteger();
        closeables.add(0, liar.listen(Ports.SCHEMAS, MessageHandler.of(in -> {
            asked.incrementAndGet();
            return Message.of(tampered);
        })));
        NodeRecord record = new NodeRecord(0, liar.publicKey(), "liar", List.of(new CapabilityInfo("papers.search",
                Map.of(CapabilityInfo.SCHEMA_SHA256, published.digest()))), new TreeSet<>(), List.of(),
                1, System.currentTimeMillis() + 60_000);
        caller.node().connect(liar.publicKey(), liar.localEndpoint()).get();

        assertThatExceptionOfType(CompletionException.class).isThrownBy(() -> caller.schema(record, "papers.search").join())
                .withCauseInstanceOf(SchemaException.class)
                .withMessageContaining("does not match the SHA-256 digest in the provider's signed record");
        assertThat(asked).hasValue(1);
    }

    @Test
    void fetchedDocumentsAreKeptByDigest() {
        CapabilitySchema big = SchemaPublicationTests.large(200);
        DirectoryClient provider = started(DirectoryClient.builder(nodes.start()).hostname("papers")
                .capability("papers.search", "", big));
        NodeRecord papers = caller.lookup("papers").join();
        assertThat(caller.schema(papers, "papers.search").join()).contains(big);
        provider.close(); // the provider is gone: a second read must come from what the first verified

        assertThat(caller.schema(papers, "papers.search").orTimeout(5, TimeUnit.SECONDS).join())
                .isEqualTo(Optional.of(big));
    }
}
