/**
 * Capability schemas: a capability's JSON Schemas (draft 2020-12) of its input and output as one document, checked
 * when published, identified by its SHA-256 digest, and used to validate arguments. A leaf: it knows JSON and
 * hashes, nothing of nodes or the directory.
 */
package io.pilot.engine.schema;
