/**
 * A2A Agent Cards signed with a node's key: RFC 8785 canonical JSON ({@link io.pilot.engine.card.Jcs}), the card's
 * JWS signature ({@link io.pilot.engine.card.CardSignature}) and a verifier that fetches a card and checks it against
 * the key a directory holds for the node the card names ({@link io.pilot.engine.card.AgentCardVerifier}). A leaf above
 * identity: it knows JSON, keys and addresses, nothing of the directory, which callers adapt as a
 * {@link io.pilot.engine.card.KeyDirectory}.
 */
package io.pilot.engine.card;
