package io.pilot.spring.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.schema.CapabilitySchema;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ToolInputTests {

    private final JsonMapper mapper = new JsonMapper();

    @Test
    void anObjectInputIsTheToolsArgumentsAsTheyAre() {
        String input = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                + "\"properties\":{\"query\":{\"type\":\"string\"}},\"required\":[\"query\"]}";
        ToolInput tool = ToolInput.of(Optional.of(CapabilitySchema.of(input, "{}")), mapper);
        assertThat(tool.schema()).isEqualTo(mapper.readTree(input));
        JsonNode arguments = mapper.readTree("{\"query\":\"attention\"}");
        assertThat(tool.argument(arguments)).isEqualTo(arguments);
        assertThatThrownBy(() -> tool.argument(mapper.readTree("{\"query\":5}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'query'").hasMessageContaining("(type)");
        assertThatThrownBy(() -> tool.argument(mapper.readTree("{}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(required)");
    }

    @Test
    void anotherInputIsWrappedInAnObjectWithItsDefinitionsAtTheTop() {
        String input = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\","
                + "\"items\":{\"$ref\":\"#/$defs/Doi\"},\"$defs\":{\"Doi\":{\"type\":\"string\",\"minLength\":3}}}";
        ToolInput tool = ToolInput.of(Optional.of(CapabilitySchema.of(input, "{}")), mapper);
        JsonNode schema = tool.schema();
        assertThat(schema.path("type").asString()).isEqualTo("object");
        assertThat(schema.path("required").get(0).asString()).isEqualTo(ToolInput.PROPERTY);
        assertThat(schema.path("properties").path("input").path("type").asString()).isEqualTo("array");
        assertThat(schema.path("properties").path("input").has("$defs")).isFalse();
        assertThat(schema.path("$defs").path("Doi").path("minLength").asInt()).isEqualTo(3);
        // The wrapper is itself a valid schema whose $ref resolves: a too-short item is refused through it.
        CapabilitySchema wrapper = CapabilitySchema.of(schema.toString(), "{}");
        assertThat(wrapper.validate(mapper.readTree("{\"input\":[\"10\"]}"))).isNotEmpty();
        assertThat(wrapper.validate(mapper.readTree("{\"input\":[\"10.1/x\"]}"))).isEmpty();

        assertThat(tool.argument(mapper.readTree("{\"input\":[\"10.1/x\"]}"))).isEqualTo(mapper.readTree("[\"10.1/x\"]"));
        assertThatThrownBy(() -> tool.argument(mapper.readTree("[\"10.1/x\"]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'input'");
        assertThatThrownBy(() -> tool.argument(mapper.readTree("{\"input\":[\"1\"]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minLength");
    }

    @Test
    void withoutPublishedSchemasAnyInputIsTakenWrapped() {
        ToolInput tool = ToolInput.of(Optional.empty(), mapper);
        assertThat(tool.schema().path("properties").path("input").isEmpty()).isTrue();
        assertThat(tool.argument(mapper.readTree("{\"input\":\"text\"}")).asString()).isEqualTo("text");
    }
}
