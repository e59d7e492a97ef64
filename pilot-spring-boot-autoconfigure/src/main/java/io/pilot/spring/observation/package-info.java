/**
 * Micrometer Observation of capability calls: {@link io.pilot.spring.observation.PilotObservationDocumentation}
 * names the observations and their keys, the request contexts carry W3C trace context in the message headers,
 * and the conventions decide names and key values.
 */
package io.pilot.spring.observation;
