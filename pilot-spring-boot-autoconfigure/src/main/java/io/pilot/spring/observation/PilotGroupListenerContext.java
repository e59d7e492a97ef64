package io.pilot.spring.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;

import java.util.Objects;

/**
 * The context of a {@link PilotObservationDocumentation#GROUP_LISTENER} observation (a consumer): one listener
 * method handling one broadcast. The carrier is the broadcast as it arrived: the tracing handler reads the
 * broadcaster's trace context from its headers.
 */
public class PilotGroupListenerContext extends ReceiverContext<Message> {

    private final String group;
    private final String listener;
    private final PilotAddress peerAddress;
    private volatile ErrorCode errorCode;

    /**
     * @param broadcast the broadcast as it arrived
     * @param group the group it was sent to
     * @param listener the listener method, {@code beanName.method}
     */
    public PilotGroupListenerContext(IncomingMessage broadcast, String group, String listener) {
        super(MessageHeaders::get, Kind.CONSUMER);
        Objects.requireNonNull(broadcast, "broadcast");
        this.group = Objects.requireNonNull(group, "group");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.peerAddress = broadcast.from();
        setCarrier(broadcast.message());
        setRemoteServiceAddress(peerAddress.toString());
    }

    public String getGroup() {
        return group;
    }

    /** The listener method, {@code beanName.method}. */
    public String getListener() {
        return listener;
    }

    /** The broadcaster's address, authenticated by the session handshake. */
    public PilotAddress getPeerAddress() {
        return peerAddress;
    }

    /** {@code INVALID_ARGUMENT} if the broadcast did not map to the listener's parameter, {@code INTERNAL} if it threw, else null. */
    public ErrorCode getErrorCode() {
        return errorCode;
    }

    public void setErrorCode(ErrorCode errorCode) {
        this.errorCode = errorCode;
    }
}
