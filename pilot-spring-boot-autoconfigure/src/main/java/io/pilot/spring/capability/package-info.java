/** The pipeline from {@code @Capability} methods to the engine: discovery, registry, invocation with JSON. */
package io.pilot.spring.capability;
