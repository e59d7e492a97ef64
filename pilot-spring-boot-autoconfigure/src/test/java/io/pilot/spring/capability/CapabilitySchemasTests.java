package io.pilot.spring.capability;

import io.pilot.engine.schema.CapabilitySchema;
import io.pilot.engine.schema.Violation;
import io.pilot.spring.PilotCaller;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.handler.annotation.Header;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Schemas generated from capability methods' Java types, and what they accept. */
class CapabilitySchemasTests {

    enum Kind { ARTICLE, BOOK }

    record Author(String name, @Nullable String orcid) {
    }

    record Citation(String doi, int year, Kind kind, Optional<String> note, LocalDate published, List<Author> authors) {
    }

    record Page<T>(List<T> items, @Nullable String next) {
    }

    static class Methods {
        Citation resolve(String doi) {
            return null;
        }

        Page<Citation> search(String query, Optional<Integer> limit, @Nullable Kind kind, PilotCaller caller,
                @Header("traceparent") String trace) {
            return null;
        }

        int count(List<Citation> citations) {
            return 0;
        }

        CompletableFuture<List<Citation>> later(Citation citation) {
            return null;
        }

        Mono<Instant> stamp(Map<String, Object> anything) {
            return null;
        }

        void forget(JsonNode whatever) {
        }

        String nothing() {
            return "";
        }
    }

    private final CapabilitySchemas schemas = new CapabilitySchemas(JsonMapper.builder().build());
    private final JsonMapper json = JsonMapper.builder().build();

    private static Method method(String name) {
        return Arrays.stream(Methods.class.getDeclaredMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    private JsonNode input(String name) {
        return json.readTree(schemas.of(method(name)).input());
    }

    private JsonNode output(String name) {
        return json.readTree(schemas.of(method(name)).output());
    }

    @Test
    void oneParameterIsTheWholeBody() {
        assertThat(input("resolve").toString()).isEqualTo("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"string\"}");
    }

    @Test
    void recordsWithEnumsOptionalsDatesAndGenericListsBecomeObjectsWithTheirRequiredFields() {
        JsonNode citation = output("resolve");

        assertThat(citation.path("type").stringValue()).isEqualTo("object");
        JsonNode properties = citation.path("properties");
        assertThat(properties.path("doi").path("type").stringValue()).isEqualTo("string");
        assertThat(properties.path("year").path("type").stringValue()).isEqualTo("integer");
        assertThat(properties.path("kind").path("enum").toString()).isEqualTo("[\"ARTICLE\",\"BOOK\"]");
        assertThat(strings(properties.path("note").path("type"))).containsExactly("string", "null");
        assertThat(properties.path("published").path("format").stringValue()).isEqualTo("date");
        assertThat(properties.path("authors").path("type").stringValue()).isEqualTo("array");
        assertThat(strings(citation.path("required"))).containsExactlyInAnyOrder("doi", "year", "kind", "published", "authors");
        JsonNode author = properties.path("authors").path("items");
        assertThat(strings(author.path("properties").path("orcid").path("type"))).containsExactly("string", "null");
        assertThat(strings(author.path("required"))).containsExactly("name");
    }

    @Test
    void severalParametersAreOneObjectByNameWithoutTheCallerOrHeaders() {
        JsonNode search = input("search");

        assertThat(search.path("type").stringValue()).isEqualTo("object");
        assertThat(strings(search.path("properties").propertyNames())).containsExactly("query", "limit", "kind");
        assertThat(strings(search.path("required"))).containsExactly("query");
        assertThat(search.path("properties").path("query").path("type").stringValue()).isEqualTo("string");
        assertThat(search.path("properties").path("limit").toString()).isEqualTo("{\"type\":[\"integer\",\"null\"]}");
        assertThat(search.path("properties").path("kind").path("anyOf").get(1).toString()).isEqualTo("{\"type\":\"null\"}");
        assertThat(search.toString()).contains("ARTICLE");
    }

    @Test
    void genericResultsAreResolved() {
        JsonNode page = output("search");

        assertThat(page.path("properties").path("items").path("items").path("properties").has("doi")).isTrue();
        assertThat(strings(page.path("required"))).containsExactly("items");
        JsonNode list = input("count");
        assertThat(list.path("type").stringValue()).isEqualTo("array");
        assertThat(list.path("items").path("properties").has("year")).isTrue();
    }

    @Test
    void asynchronousResultsAreTheirValuesAndVoidIsNull() {
        assertThat(output("later").path("type").stringValue()).isEqualTo("array");
        assertThat(output("stamp").path("format").stringValue()).isEqualTo("date-time");
        assertThat(output("forget").path("type").stringValue()).isEqualTo("null");
        assertThat(input("forget").path("type").isMissingNode()).isTrue(); // any JSON
        assertThat(input("stamp").path("type").stringValue()).isEqualTo("object");
        assertThat(input("nothing").path("properties").isEmpty()).isTrue();
    }

    @Test
    void theGeneratedSchemaRefusesWhatTheBindingRefusesNamingTheField() {
        CapabilitySchema citation = CapabilitySchema.of(output("resolve").toString(), "{}");
        String valid = "{\"doi\":\"10.1/x\",\"year\":1999,\"kind\":\"BOOK\",\"published\":\"1999-03-15\",\"authors\":[{\"name\":\"Ada\"}]}";

        assertThat(citation.validate(bytes(valid))).isEmpty();
        assertThat(citation.validate(bytes(valid.replace("\"year\":1999,", "")))).containsExactly(new Violation("year", "required", "is required"));
        assertThat(citation.validate(bytes(valid.replace("BOOK", "POEM")))).extracting(Violation::field, Violation::rule)
                .containsExactly(tuple("kind", "enum"));
        assertThat(citation.validate(bytes(valid.replace("{\"name\":\"Ada\"}", "{\"orcid\":\"0000\"}"))))
                .containsExactly(new Violation("authors[0].name", "required", "is required"));
        assertThat(citation.validate(bytes(valid.replace("1999-03-15", "15/03/1999")))).extracting(Violation::field, Violation::rule)
                .containsExactly(tuple("published", "format"));
    }

    private static List<String> strings(Iterable<?> values) {
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(v instanceof JsonNode node ? node.stringValue() : String.valueOf(v)));
        return out;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
