package io.pilot.spring.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import io.pilot.engine.group.BroadcastResult;
import io.pilot.engine.message.ErrorCode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The context of a {@link PilotObservationDocumentation#BROADCAST} observation (a producer). As for a call, the
 * carrier is the map of headers to add to the broadcast: the tracing handler writes the trace context into it
 * when the observation starts, and the sender then broadcasts {@code message.withAll(context.getCarrier())}, so
 * every member's copy carries it.
 */
public class PilotBroadcastContext extends SenderContext<Map<String, String>> {

    private final String group;
    private volatile BroadcastResult result;
    private volatile ErrorCode errorCode;

    /** @param group the group broadcast to */
    public PilotBroadcastContext(String group) {
        super(MessageHeaders::put, Kind.PRODUCER);
        this.group = Objects.requireNonNull(group, "group");
        setCarrier(new LinkedHashMap<>());
        setRemoteServiceName(group);
    }

    public String getGroup() {
        return group;
    }

    /** Which members the broadcast reached and which it did not, once it is done; null if it failed as a whole. */
    public BroadcastResult getResult() {
        return result;
    }

    public void setResult(BroadcastResult result) {
        this.result = result;
    }

    /** Why the broadcast failed as a whole (its members could not be learned, the agent is stopping), or null. */
    public ErrorCode getErrorCode() {
        return errorCode;
    }

    public void setErrorCode(ErrorCode errorCode) {
        this.errorCode = errorCode;
    }
}
