/**
 * Groups and capabilities as destinations: broadcast a message to every member of a group, anycast a request
 * to one provider of a capability (chosen by a pluggable {@link io.pilot.engine.group.SelectionPolicy}, with
 * failover when a provider cannot be reached), watch membership, keep providers in a local view fresh by
 * watch, and admit peers at the tunnel by key, address or shared group ({@link io.pilot.engine.group.AccessPolicies}).
 * The backbone only says who is who; every message travels directly, over the sender's own tunnels.
 */
package io.pilot.engine.group;
