package io.pilot.spring;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Why a capability call failed, as the serving agent tells its caller: the body of an error reply, a JSON document
 * shaped like RFC 9457's problem details ({@value #MEDIA_TYPE}). Written with a mapper of its own, not the
 * application's, so that how an application configures JSON cannot change the error format on the wire.
 *
 * @param type a URI naming the kind of problem, {@code urn:pilot:error:<code in kebab case>}
 * @param title the kind of problem in words ("Invalid argument")
 * @param code the error code (also in the reply's {@code error-code} header)
 * @param detail what happened in this call, written for the caller
 * @param capability the capability called, or null if the request named none the agent knows
 * @param traceId the trace the call belongs to (from the request's {@code traceparent}), or null
 * @param errors the fields the caller got wrong (empty unless {@code code} is {@link ErrorCode#INVALID_ARGUMENT})
 */
public record PilotProblem(String type, String title, ErrorCode code, String detail, String capability, String traceId,
        List<FieldError> errors) {

    /** The content type of a problem document. */
    public static final String MEDIA_TYPE = "application/problem+json";

    private static final String TYPE_PREFIX = "urn:pilot:error:";

    private static final JsonMapper JSON = JsonMapper.shared();

    public PilotProblem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /**
     * One field of the argument the caller got wrong.
     *
     * @param field its path in the argument ({@code amount}, {@code query.doi}, {@code items[2].name}), or the header's name
     * @param rule the rule it broke: a Bean Validation constraint ({@code NotBlank}), {@code required}, {@code type}
     * @param message what is wrong, in words
     */
    public record FieldError(String field, String rule, String message) {
    }

    /** The problem of {@code code}, its type and title derived from the code. */
    public static PilotProblem of(ErrorCode code, String detail, String capability, String traceId, List<FieldError> errors) {
        return new PilotProblem(typeOf(code), titleOf(code), code, detail, capability, traceId, errors);
    }

    /** {@code urn:pilot:error:invalid-argument} for {@link ErrorCode#INVALID_ARGUMENT}. */
    public static String typeOf(ErrorCode code) {
        return TYPE_PREFIX + code.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** "Invalid argument" for {@link ErrorCode#INVALID_ARGUMENT}. */
    public static String titleOf(ErrorCode code) {
        String words = code.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** This problem as an error reply: the document as the body, with its content type. */
    public Message toMessage() {
        ObjectNode document = JSON.createObjectNode();
        document.put("type", type);
        document.put("title", title);
        document.put("code", code.name());
        document.put("detail", detail);
        putIfSet(document, "capability", capability);
        putIfSet(document, "traceId", traceId);
        if (!errors.isEmpty()) {
            ArrayNode fields = document.putArray("errors");
            for (FieldError error : errors) {
                ObjectNode field = fields.addObject();
                field.put("field", error.field());
                field.put("rule", error.rule());
                field.put("message", error.message());
            }
        }
        return Message.of(JSON.writeValueAsBytes(document)).with(Headers.CONTENT_TYPE, MEDIA_TYPE);
    }

    /**
     * The problem an error reply carries, if its content type says it is a problem document and it reads as one;
     * empty for a plain-text error (from the engine itself, or an agent of an older version) or a garbled document.
     *
     * @param code the reply's error code, which stands when the document names none or one this version does not know
     */
    public static Optional<PilotProblem> read(Message reply, ErrorCode code) {
        if (reply == null || !MEDIA_TYPE.equals(reply.header(Headers.CONTENT_TYPE))) {
            return Optional.empty();
        }
        JsonNode document;
        try {
            document = JSON.readTree(reply.body());
        } catch (JacksonException e) {
            return Optional.empty();
        }
        if (document == null || !document.isObject()) {
            return Optional.empty();
        }
        List<FieldError> errors = new ArrayList<>();
        JsonNode fields = document.get("errors");
        if (fields != null && fields.isArray()) {
            for (JsonNode field : fields) {
                errors.add(new FieldError(text(field, "field"), text(field, "rule"), text(field, "message")));
            }
        }
        return Optional.of(new PilotProblem(Optional.ofNullable(text(document, "type")).orElse(typeOf(code)),
                Optional.ofNullable(text(document, "title")).orElse(titleOf(code)), code, text(document, "detail"),
                text(document, "capability"), text(document, "traceId"), errors));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isString() ? null : value.asString();
    }

    private static void putIfSet(ObjectNode document, String field, String value) {
        if (value != null) {
            document.put(field, value);
        }
    }
}
