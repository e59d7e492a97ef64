/**
 * STUN (RFC 8489) Binding on Pilot's own UDP socket: a peer behind a NAT learns its public (server
 * reflexive) address from the backbone without a second port or a third-party server.
 *
 * <p>{@link io.pilot.engine.stun.StunMessage} is the codec, {@link io.pilot.engine.stun.StunDemultiplexer}
 * tells STUN apart from Pilot datagrams, {@link io.pilot.engine.stun.StunServerHandler} answers Binding
 * requests in the channel pipeline and {@link io.pilot.engine.stun.StunClientTransaction} /
 * {@link io.pilot.engine.stun.StunClient} ask a server. No credentials are used: MESSAGE-INTEGRITY is
 * neither produced nor verified, which RFC 8489 allows for Binding.
 */
package io.pilot.engine.stun;
