package io.pilot.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of {@link PilotObservationDocumentation#GROUP_LISTENER} observations. To change them, declare a
 * bean of this type, or a {@link io.micrometer.observation.GlobalObservationConvention} of {@link PilotGroupListenerContext}
 * (Spring Boot registers those beans with the registry; they apply when no bean of this type is declared). Extend
 * {@link DefaultPilotGroupListenerObservationConvention} to add to the defaults.
 */
public interface PilotGroupListenerObservationConvention extends ObservationConvention<PilotGroupListenerContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof PilotGroupListenerContext;
    }
}
