/** What Spring users touch: {@link io.pilot.spring.PilotAgent}, {@link io.pilot.spring.Capability} and {@link io.pilot.spring.PilotClient}. */
package io.pilot.spring;
