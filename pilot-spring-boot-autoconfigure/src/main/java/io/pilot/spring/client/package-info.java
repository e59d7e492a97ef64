/** The {@link io.pilot.spring.PilotClient} of a running agent: capability calls, discovery, broadcasts, typed proxies. */
package io.pilot.spring.client;
