/** The Noise Protocol Framework (revision 34) handshake {@code Noise_XX_25519_AESGCM_SHA256} that authenticates Pilot peers and derives their data-channel keys. */
package io.pilot.engine.noise;
