package io.pilot.spring;

import io.pilot.engine.address.PilotAddress;
import io.pilot.spring.observation.PilotPath;

import java.time.Duration;

/**
 * A capability's answer with how it came: which agent gave it, over which path, after how long. What
 * {@link PilotClient#exchange} returns, for callers that show or log where each part of their work was done.
 *
 * @param body the decoded result; null for an empty reply
 * @param capability the capability called
 * @param hostname the answering agent's hostname, null if it has none (or was named by address)
 * @param address the answering agent's address
 * @param path how the reply travelled, as this side knows it (the session snapshot the node's event loop last published)
 * @param elapsed from the call to the reply, discovery and connection included
 */
public record PilotReply<T>(T body, String capability, String hostname, PilotAddress address, PilotPath path,
        Duration elapsed) {
}
