/**
 * Sans-IO reliable transport (streams, datagrams, loss recovery, congestion and flow control, modelled on QUIC
 * RFC 9000/9002) that runs inside an already encrypted peer session; see {@link io.pilot.engine.transport.Connection}.
 */
package io.pilot.engine.transport;
