/** Cryptographic primitives (X25519, Ed25519, HKDF, AES-256-GCM packet sealing, anti-replay) used by the Pilot handshake and data plane. */
package io.pilot.engine.crypto;
