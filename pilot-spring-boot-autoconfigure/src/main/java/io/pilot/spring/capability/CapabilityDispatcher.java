package io.pilot.spring.capability;

import io.pilot.engine.ErrorCode;
import io.pilot.engine.Headers;
import io.pilot.engine.IncomingMessage;
import io.pilot.engine.Message;
import io.pilot.engine.MessageHandler;
import io.pilot.engine.PilotException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves {@link CapabilityProtocol#PORT}: finds the capability named in the request's header and invokes
 * it. An unknown capability answers NO_LISTENER; a body that does not map to the parameter answers
 * PROTOCOL; an exception in the method answers REMOTE_FAILURE with the exception's class and message.
 */
public final class CapabilityDispatcher implements MessageHandler {

    private final CapabilityRegistry registry;
    private final JsonMapper mapper;

    public CapabilityDispatcher(CapabilityRegistry registry, JsonMapper mapper) {
        this.registry = registry;
        this.mapper = mapper;
    }

    @Override
    public CompletionStage<Message> handle(IncomingMessage in) {
        String name = in.message().header(Headers.CAPABILITY);
        CapabilityMethod capability = name == null ? null : registry.get(name);
        if (capability == null) {
            return CompletableFuture.failedFuture(new PilotException(ErrorCode.NO_LISTENER,
                    "this agent has no capability '" + name + "'"));
        }
        try {
            return capability.invoke(in.message().body(), mapper).thenApply(CapabilityDispatcher::reply);
        } catch (JacksonException e) {
            return CompletableFuture.failedFuture(new PilotException(ErrorCode.PROTOCOL, "the argument of '" + name
                    + "' is not valid JSON for its parameter: " + e.getOriginalMessage()));
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Message reply(byte[] json) {
        return json == null ? Message.empty() : Message.of(json).with(Headers.CONTENT_TYPE, CapabilityProtocol.JSON);
    }
}
