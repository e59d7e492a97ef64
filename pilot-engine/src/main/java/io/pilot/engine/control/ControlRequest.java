package io.pilot.engine.control;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One request line, parsed: the command's name and its arguments. Parsed before a worker is chosen, because
 * the command decides which pool runs it ({@link ControlCommands#longRunning}).
 */
record ControlRequest(String command, Arguments args) {

    /**
     * @throws ControlException {@link ControlError#BAD_REQUEST}, saying what is wrong with the line
     */
    static ControlRequest parse(String line) {
        JsonNode request;
        try {
            request = Json.MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw new ControlException(ControlError.BAD_REQUEST, "the request is not JSON: " + e.getOriginalMessage());
        }
        if (request == null || !request.isObject()) {
            throw new ControlException(ControlError.BAD_REQUEST, "the request must be a JSON object");
        }
        String command = request.path("command").isString() ? request.path("command").stringValue() : null;
        if (command == null || command.isBlank()) {
            throw new ControlException(ControlError.BAD_REQUEST, "the request has no \"command\" string");
        }
        JsonNode args = request.path("args");
        if (!args.isMissingNode() && !args.isNull() && !args.isObject()) {
            throw new ControlException(ControlError.BAD_REQUEST, "\"args\" must be an object");
        }
        return new ControlRequest(command, new Arguments(args.isObject() ? args : Json.object()));
    }
}
