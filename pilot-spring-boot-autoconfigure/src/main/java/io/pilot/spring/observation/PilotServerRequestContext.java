package io.pilot.spring.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.RequestReplyReceiverContext;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;

import java.util.Objects;

/**
 * The context of a {@link PilotObservationDocumentation#SERVER_REQUEST} observation. The carrier is the request
 * message: the tracing handler reads the caller's trace context from its headers (names looked up lower-case).
 */
public class PilotServerRequestContext extends RequestReplyReceiverContext<Message, Message> {

    private final String capability;
    private final PilotAddress peerAddress;
    private volatile PilotPath path = PilotPath.UNKNOWN;
    private volatile ErrorCode errorCode;
    private volatile Long streamItems;

    /**
     * @param request the request as it arrived
     * @param capability the capability served, or null if this agent does not serve the one requested
     */
    public PilotServerRequestContext(IncomingMessage request, String capability) {
        super(MessageHeaders::get, Kind.SERVER);
        Objects.requireNonNull(request, "request");
        this.capability = capability;
        this.peerAddress = request.from();
        setCarrier(request.message());
    }

    /** The capability served, or null if this agent does not serve the one requested. */
    public String getCapability() {
        return capability;
    }

    /** The caller's address, authenticated by the session handshake. */
    public PilotAddress getPeerAddress() {
        return peerAddress;
    }

    public PilotPath getPath() {
        return path;
    }

    public void setPath(PilotPath path) {
        this.path = path == null ? PilotPath.UNKNOWN : path;
    }

    /** The error code of the reply, or null if the capability answered. */
    public ErrorCode getErrorCode() {
        return errorCode;
    }

    public void setErrorCode(ErrorCode errorCode) {
        this.errorCode = errorCode;
    }

    /** How many items a streamed reply sent, or null for a call answered with one reply. */
    public Long getStreamItems() {
        return streamItems;
    }

    public void setStreamItems(Long streamItems) {
        this.streamItems = streamItems;
    }
}
