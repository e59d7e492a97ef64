package io.pilot.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of {@link PilotObservationDocumentation#CLIENT_REQUEST} observations. To change them,
 * declare a bean of this type (the auto-configuration passes it to the client), or a
 * {@link io.micrometer.observation.GlobalObservationConvention} of {@link PilotClientRequestContext} (Spring Boot registers those
 * beans with the registry; they apply when no bean of this type is declared). Extend
 * {@link DefaultPilotClientObservationConvention} to add to the defaults.
 */
public interface PilotClientObservationConvention extends ObservationConvention<PilotClientRequestContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof PilotClientRequestContext;
    }
}
