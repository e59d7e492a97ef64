/**
 * Secure sessions: Noise XX handshakes bound to node identities, key pairs, rekeying, paths (direct or
 * relayed), and the DATA path to each peer's connection. Everything here runs on the node's event loop.
 *
 * <p>The layer is split into rooms of one job each, all confined to that loop and collaborating by plain
 * calls:
 * <ul>
 * <li>{@link io.pilot.engine.session.SessionEngine}: the public face, the peer table ({@code PeerTable}),
 *     dispatch of each received packet to the room that handles it, opening DATA, and flushing connections
 *     ({@code DatagramWriter} seals and writes, {@code DatagramBatch} for UDP GSO).</li>
 * <li>{@code Handshakes}: INIT/RESPONSE/FINAL/COOKIE_REPLY and confirmations, behind two
 *     {@code HandshakeGuard}s (direct and relayed initiations) and their {@code CookieJar}s; {@code ProofCheck}
 *     judges the identity each peer proves in this handshake; {@code Establishment} decides what a finished
 *     handshake means for the peer's connection; {@code Responders} bounds the half-open ones, in two
 *     lanes.</li>
 * <li>{@code Paths}: where each peer is reached (roaming, relay fallback, direct-path probes) and the
 *     sending of every datagram; {@code RelayForwarder}: the relay role and its per-node byte budget, and forwarding
 *     to the other backbones of a realm ({@code BackboneRoutes}, FORWARDs tagged by {@code ForwardingSeal}).</li>
 * <li>{@code KeyTimers}: the 50 ms tick that repeats, gives up, expires and rekeys.</li>
 * <li>{@code IndexTable}: the session indexes a packet is routed by.</li>
 * </ul>
 * Dependencies point inward to {@code Peer}, {@code Keypair} and the index and peer tables; only
 * {@code SessionEngine} knows every room, being the one that builds them.
 */
package io.pilot.engine.session;
