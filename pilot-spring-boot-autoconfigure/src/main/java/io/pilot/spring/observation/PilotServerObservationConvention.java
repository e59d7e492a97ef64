package io.pilot.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of {@link PilotObservationDocumentation#SERVER_REQUEST} observations. To change them,
 * declare a bean of this type (the auto-configuration passes it to the capability dispatcher), or register a
 * {@link io.micrometer.observation.GlobalObservationConvention} of {@link PilotServerRequestContext} with the
 * registry. Extend {@link DefaultPilotServerObservationConvention} to add to the defaults.
 */
public interface PilotServerObservationConvention extends ObservationConvention<PilotServerRequestContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof PilotServerRequestContext;
    }
}
