/** The datagram layer's byte layouts: one record per packet type and a codec that checks them before any cryptography. */
package io.pilot.engine.wire;
