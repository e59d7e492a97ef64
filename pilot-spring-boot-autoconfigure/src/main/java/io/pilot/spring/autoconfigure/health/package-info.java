/** Auto-configuration of the {@code pilot} health component. */
package io.pilot.spring.autoconfigure.health;
