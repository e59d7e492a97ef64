/**
 * Netty plumbing of a node's one UDP socket. {@link io.pilot.engine.net.UdpSocket} owns the event loop thread and
 * the channel (epoll or NIO, buffer sizes, recvmmsg, binding); {@link io.pilot.engine.net.NodeChannelInitializer}
 * lays out the pipeline ([impairment] → STUN client → [STUN server] → decoder) and
 * {@link io.pilot.engine.net.SessionInboundHandler} ends it by handing packets to the session engine. May import
 * session, wire, stun and limit; never the root package or anything above it.
 */
package io.pilot.engine.net;
