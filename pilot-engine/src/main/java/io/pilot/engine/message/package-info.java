/** Messages on streams: one frame each way per stream, request/reply and one-way, and the service that matches them to listeners. */
package io.pilot.engine.message;
