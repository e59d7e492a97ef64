/** Secure sessions: Noise XX handshakes bound to node identities, key pairs, rekeying, and the DATA path to each peer's connection. */
package io.pilot.engine.session;
