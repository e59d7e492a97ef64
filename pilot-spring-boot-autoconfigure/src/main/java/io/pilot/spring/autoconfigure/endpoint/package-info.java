/** Auto-configuration of the {@code pilot} actuator endpoint. */
package io.pilot.spring.autoconfigure.endpoint;
