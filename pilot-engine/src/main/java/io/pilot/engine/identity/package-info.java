/** A node's Ed25519 identity, its public {@link io.pilot.engine.identity.NodeKey} and the file that keeps it. */
package io.pilot.engine.identity;
