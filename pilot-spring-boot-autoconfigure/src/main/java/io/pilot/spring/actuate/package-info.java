/**
 * Actuator support for a Pilot agent: the {@code pilot} health component ({@link io.pilot.spring.actuate.PilotHealthIndicator})
 * and the {@code pilot} endpoint ({@link io.pilot.spring.actuate.PilotEndpoint}) describing the node, its backbone
 * and its peers.
 */
package io.pilot.spring.actuate;
