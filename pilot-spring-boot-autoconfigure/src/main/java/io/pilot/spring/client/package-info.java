/** The {@link io.pilot.spring.PilotClient} of a running agent: capability calls (the CapabilityCall spec), discovery, broadcasts, client interfaces (proxies, their beans and their targets). */
package io.pilot.spring.client;
