/** Netty plumbing of a node's one UDP socket: the channel, the datagram decoder and the impairment stage. */
package io.pilot.engine.net;
