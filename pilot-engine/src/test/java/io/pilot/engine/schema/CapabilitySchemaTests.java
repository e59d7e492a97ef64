package io.pilot.engine.schema;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CapabilitySchemaTests {

    static final String CITATION = """
            {"type":"object","properties":{
              "doi":{"type":"string","minLength":1},
              "year":{"type":"integer","minimum":1800},
              "kind":{"type":"string","enum":["ARTICLE","BOOK"]},
              "published":{"type":"string","format":"date"},
              "authors":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}},
             "required":["doi","year"]}""";

    private final CapabilitySchema schema = CapabilitySchema.of(CITATION, "{\"type\":\"string\"}");

    @Test
    void theDocumentHoldsBothSchemasCompactAndIsNamedByItsSha256() {
        String document = new String(schema.document(), StandardCharsets.UTF_8);

        assertThat(document).startsWith("{\"input\":{\"type\":\"object\"").endsWith("\"output\":{\"type\":\"string\"}}")
                .doesNotContain("\n");
        assertThat(schema.digest()).hasSize(64).isEqualTo(CapabilitySchema.digest(schema.document()));
        assertThat(CapabilitySchema.fromDocument(schema.document(), schema.digest())).isEqualTo(schema);
        assertThat(CapabilitySchema.fromDocument(schema.document()).input()).isEqualTo(schema.input());
    }

    @Test
    void aConformingArgumentHasNoViolations() {
        assertThat(schema.validate(bytes("{\"doi\":\"10.1/x\",\"year\":1999,\"kind\":\"BOOK\",\"published\":\"1999-03-15\"}")))
                .isEmpty();
    }

    @Test
    void eachViolationNamesTheFieldAndTheRule() {
        assertThat(schema.validate(bytes("{\"year\":1999}")))
                .containsExactly(new Violation("doi", "required", "is required"));
        assertThat(schema.validate(bytes("{\"doi\":\"x\",\"year\":\"1999\"}")))
                .singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("year");
                    assertThat(v.rule()).isEqualTo("type");
                    assertThat(v.message()).isEqualTo("must be an integer");
                });
        assertThat(schema.validate(bytes("{\"doi\":\"x\",\"year\":1700}")))
                .singleElement().satisfies(v -> assertThat(List.of(v.field(), v.rule())).containsExactly("year", "minimum"));
        assertThat(schema.validate(bytes("{\"doi\":\"x\",\"year\":1999,\"kind\":\"POEM\"}")))
                .containsExactly(new Violation("kind", "enum", "must be one of [ARTICLE, BOOK]"));
        assertThat(schema.validate(bytes("{\"doi\":\"x\",\"year\":1999,\"published\":\"1999-13-45\"}")))
                .containsExactly(new Violation("published", "format", "must be a date like 2024-03-15"));
        assertThat(schema.validate(bytes("{\"doi\":\"x\",\"year\":1999,\"authors\":[{\"name\":\"A\"},{}]}")))
                .containsExactly(new Violation("authors[1].name", "required", "is required"));
        assertThat(schema.validate(bytes("[1]")))
                .containsExactly(new Violation("", "type", "must be an object"));
    }

    @Test
    void anArgumentThatIsNotJsonIsRefusedAsSuch() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> schema.validate(bytes("{\"doi\":")))
                .withMessageStartingWith("the argument is not valid JSON");
    }

    @Test
    void invalidSchemasAreRefusedNamingWhichAndWhy() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> CapabilitySchema.of("{\"type\":", "{}"))
                .withMessageStartingWith("the input schema is not valid JSON");
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> CapabilitySchema.of("{}", "{\"type\":\"text\"}"))
                .withMessageStartingWith("the output schema is not a valid JSON Schema 2020-12");
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> CapabilitySchema.of("[1,2]", "{}"))
                .withMessage("the input schema must be a JSON object (a JSON Schema), not ARRAY");
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> CapabilitySchema.of("{\"required\":\"doi\"}", "{}"))
                .withMessageStartingWith("the input schema is not a valid JSON Schema 2020-12");
    }

    @Test
    void aSchemaFromTheNetworkCannotMakeTheValidatorFetchAnything() {
        assertThatExceptionOfType(SchemaException.class)
                .isThrownBy(() -> CapabilitySchema.of("{\"$ref\":\"http://127.0.0.1:9/evil.json\"}", "{}"))
                .withMessageStartingWith("the input schema cannot be used");
        assertThatExceptionOfType(SchemaException.class)
                .isThrownBy(() -> CapabilitySchema.of("{\"$ref\":\"classpath:logback.xml\"}", "{}"))
                .withMessageStartingWith("the input schema cannot be used");
    }

    @Test
    void oversizedSchemasAreRefusedWithTheLimit() {
        StringBuilder properties = new StringBuilder();
        for (int i = 0; i < 4000; i++) {
            properties.append(i == 0 ? "" : ",").append("\"field").append(i).append("\":{\"type\":\"string\"}");
        }
        String huge = "{\"type\":\"object\",\"properties\":{" + properties + "}}";

        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> CapabilitySchema.of(huge, "{}"))
                .withMessageContaining("at most " + CapabilitySchema.MAX_DOCUMENT_BYTES + " are published");
    }

    @Test
    void aDocumentThatDoesNotMatchItsDigestIsRefused() {
        byte[] tampered = new String(schema.document(), StandardCharsets.UTF_8).replace("1800", "1900")
                .getBytes(StandardCharsets.UTF_8);

        assertThatExceptionOfType(SchemaException.class)
                .isThrownBy(() -> CapabilitySchema.fromDocument(tampered, schema.digest()))
                .withMessageContaining("does not match the SHA-256 digest in the provider's signed record");
    }

    @Test
    void aDocumentIsExactlyInputAndOutput() {
        assertThatExceptionOfType(SchemaException.class)
                .isThrownBy(() -> CapabilitySchema.fromDocument(bytes("{\"input\":{}}")))
                .withMessage("a schema document is a JSON object with exactly 'input' and 'output'");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
