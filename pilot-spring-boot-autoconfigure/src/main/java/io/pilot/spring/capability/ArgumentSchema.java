package io.pilot.spring.capability;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.schema.CapabilitySchema;
import io.pilot.engine.schema.Violation;
import io.pilot.spring.PilotCapabilityException;
import io.pilot.spring.PilotProblem.FieldError;

import java.util.List;

import org.springframework.messaging.Message;

/**
 * Checks a request's argument against its capability's input schema before any parameter is bound, so a bad argument
 * is refused as INVALID_ARGUMENT naming every field and the rule it breaks, and the method never runs. An empty body
 * is left to the binding, which knows whether the argument may be absent.
 */
final class ArgumentSchema {

    private final String capability;
    private final CapabilitySchema schema;
    /** The name of the one parameter that is the whole body, or null when the body is an object of several. */
    private final String bodyParameter;
    private final List<String> payloadNames;

    ArgumentSchema(String capability, CapabilitySchema schema, List<String> payloadNames) {
        this.capability = capability;
        this.schema = schema;
        this.payloadNames = payloadNames;
        this.bodyParameter = payloadNames.size() == 1 ? payloadNames.get(0) : null;
    }

    /** @throws PilotCapabilityException INVALID_ARGUMENT if the argument breaks the schema, or is not JSON */
    void check(Message<byte[]> request) {
        JsonBody body = CapabilityRequests.body(request);
        if (body == null || body.isEmpty()) {
            return;
        }
        List<Violation> violations = schema.validate(body.tree(capability));
        if (violations.isEmpty()) {
            return;
        }
        List<FieldError> errors = violations.stream().map(v -> new FieldError(field(v), v.rule(), message(v))).toList();
        FieldError first = errors.get(0);
        String where = first.field().isEmpty() ? "the argument" : "'" + first.field() + "'";
        throw new PilotCapabilityException(ErrorCode.INVALID_ARGUMENT, "the argument of '" + capability + "' is invalid: "
                + where + " " + first.message() + " (" + first.rule() + ")"
                + (errors.size() > 1 ? ", and " + (errors.size() - 1) + " more" : ""), errors, null);
    }

    /** Several parameters travel as one object: say which fields it must have. */
    private String message(Violation violation) {
        boolean notAnObject = bodyParameter == null && violation.field().isEmpty() && violation.rule().equals("type");
        return notAnObject ? "must be a JSON object with the fields " + payloadNames : violation.message();
    }

    /** A violation of the whole body is one of the parameter, when the body is that one parameter. */
    private String field(Violation violation) {
        return bodyParameter != null && violation.field().isEmpty() ? bodyParameter : violation.field();
    }
}
