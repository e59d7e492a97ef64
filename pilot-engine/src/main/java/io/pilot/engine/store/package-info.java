/** A crash-safe key-value store for the backbone's durable state: a checksummed journal, compacted into snapshots, replayed on open. */
package io.pilot.engine.store;
