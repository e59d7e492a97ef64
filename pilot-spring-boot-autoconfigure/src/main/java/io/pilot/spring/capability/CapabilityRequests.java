package io.pilot.spring.capability;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.spring.PilotCaller;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;

import tools.jackson.databind.json.JsonMapper;

/**
 * A Pilot request as the Spring {@link Message} the handler-method infrastructure resolves arguments from: the body
 * as the payload, the request's headers as they came, and what the agent knows of the request under keys of its
 * own. Those keys contain capitals, which a Pilot header name cannot (a-z, 0-9, '-', '_', '.'), so a caller cannot
 * forge them.
 */
final class CapabilityRequests {

    /** The {@link PilotCaller} of the request. */
    static final String CALLER = "Pilot-Caller";

    /** The capability's name, for messages. */
    static final String CAPABILITY = "Pilot-Capability";

    /** The body parsed as a JSON tree, at most once ({@link JsonBody}). */
    static final String BODY = "Pilot-Body";

    private CapabilityRequests() {
    }

    /**
     * {@code in} as the message a call of {@code capability} resolves its arguments from: its caller described from the
     * session ({@code records} looks the caller up in the directory when a method asks), its body read as JSON by
     * {@code mapper} at most once.
     */
    static Message<byte[]> of(IncomingMessage in, String capability, JsonMapper mapper,
            Function<PilotAddress, CompletableFuture<NodeRecord>> records) {
        PilotCaller caller = new PilotCaller(in.from(), in.fromKey(), () -> records.apply(in.from()));
        return of(in, capability, caller, new JsonBody(in.message().body(), mapper));
    }

    static Message<byte[]> of(IncomingMessage in, String capability, PilotCaller caller, JsonBody body) {
        Map<String, Object> agentKeys = Map.of(CALLER, caller, CAPABILITY, capability, BODY, body);
        return new GenericMessage<>(in.message().body(), new RequestHeaders(new Joined(in.message().headers(), agentKeys)));
    }

    /**
     * The headers as they are, copied once (by {@link MessageHeaders}, from a {@link Joined} view), without the random
     * {@code id} and the {@code timestamp} Spring would add to every message: a request has its own identity on the
     * wire, and generating a UUID per call costs more than the rest of the adaptation together.
     */
    private static final class RequestHeaders extends MessageHeaders {

        RequestHeaders(Map<String, Object> headers) {
            super(headers, ID_VALUE_NONE, -1L);
        }
    }

    /**
     * The request's headers and the agent's keys as one map to be copied from, without a copy of its own: their names
     * never collide (the agent's keys hold capitals, which a header name cannot), so the sizes add up.
     */
    private static final class Joined extends AbstractMap<String, Object> {

        private final Map<String, String> headers;
        private final Map<String, Object> agentKeys;

        Joined(Map<String, String> headers, Map<String, Object> agentKeys) {
            this.headers = headers;
            this.agentKeys = agentKeys;
        }

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<String, Object>> iterator() {
                    Iterator<? extends Map.Entry<String, ?>> first = headers.entrySet().iterator();
                    Iterator<Map.Entry<String, Object>> second = agentKeys.entrySet().iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return first.hasNext() || second.hasNext();
                        }

                        @Override
                        public Map.Entry<String, Object> next() {
                            if (!first.hasNext()) {
                                return second.next();
                            }
                            @SuppressWarnings("unchecked") // read only: Map.Entry's values are only ever got here
                            Map.Entry<String, Object> header = (Map.Entry<String, Object>) first.next();
                            return header;
                        }
                    };
                }

                @Override
                public int size() {
                    return headers.size() + agentKeys.size();
                }
            };
        }
    }

    static String capability(Message<?> message) {
        return message.getHeaders().get(CAPABILITY, String.class);
    }

    static PilotCaller caller(Message<?> message) {
        return message.getHeaders().get(CALLER, PilotCaller.class);
    }

    static JsonBody body(Message<?> message) {
        return message.getHeaders().get(BODY, JsonBody.class);
    }

}
