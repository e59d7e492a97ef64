package io.pilot.spring.capability;

import io.pilot.engine.message.Cancellation;

import io.micrometer.context.ThreadLocalAccessor;

/**
 * Lets Micrometer context-propagation capture and restore the {@link InboundRequest} (a service listed in
 * {@code META-INF/services/io.micrometer.context.ThreadLocalAccessor}, which the global registry loads).
 */
public final class InboundRequestAccessor implements ThreadLocalAccessor<Cancellation> {

    @Override
    public Object key() {
        return InboundRequest.KEY;
    }

    @Override
    public Cancellation getValue() {
        return InboundRequest.CURRENT.get();
    }

    @Override
    public void setValue(Cancellation value) {
        InboundRequest.CURRENT.set(value);
    }

    @Override
    public void setValue() {
        InboundRequest.CURRENT.remove();
    }
}
