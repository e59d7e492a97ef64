/** Auto-configuration of a Pilot agent: properties, the node's lifecycle and the {@link io.pilot.spring.PilotClient}. */
package io.pilot.spring.autoconfigure;
