package io.pilot.spring.handlers;

import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.schema.CapabilitySchema;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotProblem.FieldError;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Capability schemas between two Spring applications over a real tunnel: published in the provider's signed record,
 * read by the caller from the directory, and enforced before the method runs, each refusal naming the field and rule.
 */
class CapabilitySchemaTests {

    @TempDir
    Path dir;

    enum Kind { ARTICLE, BOOK }

    record Author(String name) {
    }

    record Citation(String doi, Kind kind, LocalDate published, List<Author> authors) {
    }

    @PilotAgent
    static class LibraryAgent {
        final AtomicInteger ran = new AtomicInteger();

        @Capability(value = "library.add", description = "Adds a citation to the library")
        String add(Citation citation) {
            ran.incrementAndGet();
            return citation.doi();
        }

        @Capability("library.search")
        List<String> search(String query, Optional<Integer> limit) {
            ran.incrementAndGet();
            return List.of(query + "/" + limit.orElse(10));
        }
    }

    private static final String TEN = "0123456789";
    private static final String KB = TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN
            + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN
            + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN
            + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN
            + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN
            + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN + TEN;
    private static final String EIGHT_KB = KB + KB + KB + KB + KB + KB + KB + KB;

    /** Nine fields of 8 KB descriptions each: a schema over the 64 KiB a record's document may have. */
    record Huge(@JsonPropertyDescription(EIGHT_KB) String a, @JsonPropertyDescription(EIGHT_KB) String b,
                @JsonPropertyDescription(EIGHT_KB) String c, @JsonPropertyDescription(EIGHT_KB) String d,
                @JsonPropertyDescription(EIGHT_KB) String e, @JsonPropertyDescription(EIGHT_KB) String f,
                @JsonPropertyDescription(EIGHT_KB) String g, @JsonPropertyDescription(EIGHT_KB) String h,
                @JsonPropertyDescription(EIGHT_KB) String i) {
    }

    @PilotAgent
    static class HugeAgent {
        @Capability("library.huge")
        String huge(Huge huge) {
            return "";
        }
    }

    @PilotAgent
    static class WordyAgent {
        @Capability(value = "library.wordy", description = KB + KB)
        String wordy(String in) {
            return in;
        }
    }

    @Test
    void schemasArePublishedReadFromTheDirectoryAndEnforcedBeforeTheMethodRuns() throws Exception {
        int backbonePort = freePort();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort,
                        "pilot.control.enabled=false");
        base.withPropertyValues("pilot.hostname=library", "pilot.identity.path=" + dir.resolve("library.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(LibraryAgent.class)
                .run(library -> {
                    assertThat(library).hasNotFailed();
                    String backboneKey = library.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    base.withPropertyValues("pilot.backbone.key=" + backboneKey, "pilot.request-timeout=5s",
                                    "pilot.hostname=reader", "pilot.identity.path=" + dir.resolve("reader.key"))
                            .run(reader -> {
                                assertThat(reader).hasNotFailed();
                                LibraryAgent agent = library.getBean(LibraryAgent.class);
                                describe(reader.getBean(PilotRuntime.class), library.getBean(CapabilityRegistry.class));
                                call(reader.getBean(PilotClient.class), agent);
                            });
                });
    }

    private static void describe(PilotRuntime reader, CapabilityRegistry published) {
        NodeRecord library = reader.directory().lookup("library").join();
        CapabilityInfo add = library.capabilities().stream().filter(c -> c.name().equals("library.add")).findFirst().orElseThrow();
        assertThat(add.description()).contains("Adds a citation to the library");
        CapabilitySchema schema = reader.directory().schema(library, "library.add").join().orElseThrow();
        assertThat(schema).isEqualTo(published.get("library.add").schema());
        JsonNode input = JsonMapper.builder().build().readTree(schema.input());
        assertThat(input.path("properties").path("kind").path("enum").toString()).isEqualTo("[\"ARTICLE\",\"BOOK\"]");
        assertThat(input.path("properties").path("published").path("format").stringValue()).isEqualTo("date");
    }

    private static void call(PilotClient client, LibraryAgent agent) {
        Map<String, Object> citation = Map.of("doi", "10.1/x", "kind", "BOOK", "published", "1999-03-15",
                "authors", List.of(Map.of("name", "Ada")));
        assertThat(client.call("library.add", citation, String.class)).isEqualTo("10.1/x");
        assertThat(client.call("library.search", Map.of("query", "q"), List.class)).containsExactly("q/10");
        agent.ran.set(0);

        refused(client, "library.add", Map.of("doi", "10.1/x", "kind", "BOOK", "published", "1999-03-15",
                "authors", List.of(Map.of("name", "Ada"), Map.of())), new FieldError("authors[1].name", "required", "is required"));
        refused(client, "library.add", with(citation, "kind", "POEM"), new FieldError("kind", "enum", "must be one of [ARTICLE, BOOK]"));
        refused(client, "library.add", with(citation, "published", "15/03/1999"), new FieldError("published", "format", "must be a date like 2024-03-15"));
        refused(client, "library.add", "10.1/x", new FieldError("citation", "type", "must be an object"));
        refused(client, "library.search", Map.of("query", "q", "limit", "ten"),
                new FieldError("limit", "type", "must be an integer or null"));
        refused(client, "library.search", Map.of("limit", 3), new FieldError("query", "required", "is required"));
        assertThat(agent.ran).as("no refused call reached the method").hasValue(0);
    }

    private static void refused(PilotClient client, String capability, Object argument, FieldError expected) {
        assertThatThrownBy(() -> client.call(capability, argument, String.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.fieldErrors()).containsExactly(expected);
                    assertThat(e.detail()).isEqualTo("the argument of '" + capability + "' is invalid: '" + expected.field()
                            + "' " + expected.message() + " (" + expected.rule() + ")");
                });
    }

    private static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(map);
        copy.put(key, value);
        return copy;
    }

    @Test
    void anOversizedSchemaOrDescriptionIsRefusedAtStartup() throws Exception {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.identity.path=" + dir.resolve("x.key"),
                        "pilot.hostname=huge", "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("b.key"),
                        "pilot.backbone.address=127.0.0.1:" + freePort(), "pilot.control.enabled=false");
        runner.withBean(HugeAgent.class).run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining("@Capability(\"library.huge\") on")
                .hasMessageContaining("has types whose JSON Schema cannot be published")
                .hasMessageContaining("at most " + CapabilitySchema.MAX_DOCUMENT_BYTES + " are published"));
        runner.withBean(WordyAgent.class).run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining("the description of capability 'library.wordy' has " + 2 * KB.length() + " bytes of UTF-8; at most 1024"));
    }

    private static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
