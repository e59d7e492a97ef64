/**
 * Micrometer Observation of capability calls and broadcasts: {@link io.pilot.spring.observation.PilotObservationDocumentation}
 * names the observations and their keys (Pilot's own and OpenTelemetry's RPC and messaging conventions), the
 * contexts carry W3C trace context in the message headers (requests and every copy of a broadcast), and the
 * conventions decide names and key values. {@link io.pilot.spring.observation.CallerContext} carries the caller's
 * context into the stages of an asynchronous call.
 */
package io.pilot.spring.observation;
