package io.pilot.spring.capability;

import io.pilot.engine.schema.CapabilitySchema;

import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaBuilder;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaKeyword;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import com.github.victools.jsonschema.module.jackson.JacksonSchemaModule;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;

import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.Nullness;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.ResolvableType;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.PropertyNamingStrategy;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON Schemas (draft 2020-12) of a capability method, generated from its Java types with victools'
 * jsonschema-generator, configured as Spring AI 2.0 configures it for its tools' input schemas (Jackson module,
 * plain JSON, standard formats), so a model sees the same shapes whether it calls a Spring AI tool or a capability.
 * <p>The input schema follows the binding ({@link PayloadArgumentResolver}): one argument parameter is the whole body;
 * several are the properties of one object, by parameter name; the caller and headers are not part of the input.
 * A property is required unless it is {@code Optional} or {@code @Nullable}, as the binding requires it (a record's
 * components likewise). The output schema is the result's type, a {@code CompletionStage}'s or {@code Mono}'s value
 * type for an asynchronous one, and {@code null} for {@code void}.
 */
final class CapabilitySchemas {

    private static final String DIALECT = SchemaVersion.DRAFT_2020_12.getIdentifier();
    private static final DefaultParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    /** The generator of the application's mapper, made on first use (capabilities are registered one at a time). */
    private static CapabilitySchemas shared;

    private final JsonMapper mapper;
    private final SchemaGenerator generator;
    private final JsonMapper json = JsonMapper.builder().build();

    /** @param mapper the application's mapper: property names follow its naming strategy, as the binding's do */
    CapabilitySchemas(JsonMapper mapper) {
        this.mapper = mapper;
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(mapper, SchemaVersion.DRAFT_2020_12,
                OptionPreset.PLAIN_JSON)
                .with(new JacksonSchemaModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED, JacksonOption.RESPECT_JSONPROPERTY_ORDER))
                .with(Option.STANDARD_FORMATS, Option.FLATTENED_OPTIONALS, Option.PLAIN_DEFINITION_KEYS);
        PropertyNamingStrategy naming = mapper.deserializationConfig().getPropertyNamingStrategy();
        if (naming instanceof PropertyNamingStrategies.NamingBase) {
            // victools reads @JsonProperty and @JsonNaming, not the mapper's own strategy (spring.jackson.property-naming-strategy);
            // the named strategies (snake, kebab...) translate the name alone
            config.forFields().withPropertyNameOverrideResolver(field -> naming.nameForField(mapper.deserializationConfig(),
                    null, field.getDeclaredName()));
        }
        config.forFields().withRequiredCheck(CapabilitySchemas::required)
                .withNullableCheck(field -> !required(field));
        config.forTypesInGeneral().withCustomDefinitionProvider((type, context) ->
                JsonNode.class.isAssignableFrom(type.getErasedType()) || type.getErasedType() == Object.class
                        ? new CustomDefinition(context.getGeneratorConfig().createObjectNode())
                        : null);
        this.generator = new SchemaGenerator(config.build());
    }

    /** {@link #of} with the generator of {@code mapper}, kept while the application uses that mapper. */
    static synchronized CapabilitySchema generate(Method method, JsonMapper mapper) {
        if (shared == null || shared.mapper != mapper) {
            shared = new CapabilitySchemas(mapper);
        }
        return shared.of(method);
    }

    /**
     * The schemas of {@code method}.
     *
     * @throws io.pilot.engine.schema.SchemaException if they are too large or not valid JSON Schemas
     */
    CapabilitySchema of(Method method) {
        return CapabilitySchema.of(input(method).toString(), output(method).toString());
    }

    ObjectNode input(Method method) {
        List<MethodParameter> arguments = arguments(method);
        if (arguments.size() == 1) {
            return generator.generateSchema(valueType(arguments.get(0)));
        }
        SchemaBuilder builder = generator.buildMultipleSchemaDefinitions();
        ObjectNode schema = json.createObjectNode().put("$schema", DIALECT).put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = json.createArrayNode();
        for (MethodParameter argument : arguments) {
            ObjectNode property = builder.createSchemaReference(valueType(argument));
            if (argument.isOptional()) {
                property = nullable(property); // absent or null: the binding gives Optional.empty() or null
            } else {
                required.add(argument.getParameterName());
            }
            properties.set(argument.getParameterName(), property);
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        ObjectNode definitions = builder.collectDefinitions(SchemaKeyword.TAG_DEFINITIONS.forVersion(SchemaVersion.DRAFT_2020_12));
        if (!definitions.isEmpty()) {
            schema.set("$defs", definitions);
        }
        return schema;
    }

    /** {@code {"type":["integer","null"]}} for a plain type, as victools writes nullable fields; anyOf for the rest. */
    private ObjectNode nullable(ObjectNode schema) {
        if (schema.path("type").isString() && !schema.has("enum")) {
            String type = schema.path("type").asString();
            schema.putArray("type").add(type).add("null");
            return schema;
        }
        ObjectNode either = json.createObjectNode();
        either.putArray("anyOf").add(schema).addObject().put("type", "null");
        return either;
    }

    ObjectNode output(Method method) {
        ResolvableType result = ResolvableType.forMethodReturnType(method);
        Class<?> raw = result.resolve(Object.class);
        ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(raw);
        if (CompletionStage.class.isAssignableFrom(raw) || adapter != null || raw == Optional.class) {
            // the declared type argument (CompletableFuture<List<Citation>>'s List<Citation>), as written in the signature
            result = result.getGeneric(0);
            raw = result.resolve(Object.class);
        }
        if (raw == void.class || raw == Void.class) {
            return json.createObjectNode().put("$schema", DIALECT).put("type", "null");
        }
        Type type = result.getType();
        return generator.generateSchema(type);
    }

    /** What the JSON of a parameter reads into: an {@code Optional}'s value type, else the parameter's type. */
    private static Type valueType(MethodParameter parameter) {
        ResolvableType type = ResolvableType.forMethodParameter(parameter);
        return type.resolve() == Optional.class ? type.getGeneric(0).getType() : type.getType();
    }

    /** The parameters that make up the argument, with their names discovered. */
    private static List<MethodParameter> arguments(Method method) {
        return IntStream.range(0, method.getParameterCount()).mapToObj(i -> {
            MethodParameter parameter = new MethodParameter(method, i);
            parameter.initParameterNameDiscovery(NAMES);
            return parameter;
        }).filter(PayloadArgumentResolver::isPayload).toList();
    }

    /** A field is required unless it may be absent: {@code Optional}, or {@code @Nullable} (Spring's, JSpecify's, Jakarta's). */
    private static boolean required(FieldScope field) {
        if (field.isFakeContainerItemScope() || field.getRawMember() == null) {
            return false;
        }
        return field.getRawMember().getType() != Optional.class && Nullness.forField(field.getRawMember()) != Nullness.NULLABLE;
    }
}
