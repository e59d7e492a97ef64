package io.pilot.spring.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.RequestReplySenderContext;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The context of a {@link PilotObservationDocumentation#CLIENT_REQUEST} observation. {@link Message} is immutable,
 * so the carrier is the map of headers to add to the request: the tracing handler writes the trace context into it
 * when the observation starts, and the client then sends {@code request.withAll(context.getCarrier())}. Header
 * names are written lower-case, as Pilot requires; a header Pilot could not carry is left out.
 */
public class PilotClientRequestContext extends RequestReplySenderContext<Map<String, String>, Message> {

    private final String capability;
    private final String target;
    private volatile PilotAddress peerAddress;
    private volatile String peerHostname;
    private volatile PilotPath path = PilotPath.UNKNOWN;
    private volatile ErrorCode errorCode;

    /**
     * @param capability the capability called
     * @param target the hostname or address the caller named, or null for a call to any provider
     */
    public PilotClientRequestContext(String capability, String target) {
        super(MessageHeaders::put, Kind.CLIENT);
        this.capability = Objects.requireNonNull(capability, "capability");
        this.target = target;
        setCarrier(new LinkedHashMap<>());
        if (target != null) {
            setRemoteServiceName(target);
        }
    }

    public String getCapability() {
        return capability;
    }

    /** The hostname or address the caller named, or null for a call to any provider. */
    public String getTarget() {
        return target;
    }

    /** The provider's address, once known. */
    public PilotAddress getPeerAddress() {
        return peerAddress;
    }

    public void setPeerAddress(PilotAddress peerAddress) {
        this.peerAddress = peerAddress;
    }

    /** The provider's hostname, once known (a call to any provider learns it from the answer). */
    public String getPeerHostname() {
        return peerHostname;
    }

    public void setPeerHostname(String peerHostname) {
        this.peerHostname = peerHostname;
        if (peerHostname != null && target == null) {
            setRemoteServiceName(peerHostname);
        }
    }

    public PilotPath getPath() {
        return path;
    }

    public void setPath(PilotPath path) {
        this.path = path == null ? PilotPath.UNKNOWN : path;
    }

    /** Why the call failed, or null if it succeeded. */
    public ErrorCode getErrorCode() {
        return errorCode;
    }

    public void setErrorCode(ErrorCode errorCode) {
        this.errorCode = errorCode;
    }
}
