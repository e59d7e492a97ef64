/**
 * The application's Pilot node through the context's lifecycle: started after refresh with its capabilities served
 * and registered, stopped gracefully on shutdown. Configured by a plain {@link io.pilot.spring.runtime.RuntimeSettings}.
 */
package io.pilot.spring.runtime;
