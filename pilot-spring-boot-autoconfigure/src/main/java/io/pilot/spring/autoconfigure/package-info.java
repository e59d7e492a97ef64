/**
 * Auto-configuration of a Pilot agent: its properties, checked and turned into the runtime's settings, and the
 * beans of the runtime and the client. Only wiring lives here: the features it wires live in their own packages,
 * which never depend on this one.
 */
package io.pilot.spring.autoconfigure;
