/**
 * A2A Agent Cards: the card an agent serves at {@code /.well-known/agent-card.json} (its skills from its
 * {@code @Capability} methods, with their JSON Schemas, and where it is on the mesh), signed with the agent's key, and
 * a verifier that checks a card against the key in the directory. The wiring is in the auto-configuration.
 */
package io.pilot.spring.a2a;
