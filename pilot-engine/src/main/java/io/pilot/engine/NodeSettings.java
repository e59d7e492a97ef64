package io.pilot.engine;

import io.pilot.engine.identity.Identity;
import io.pilot.engine.net.Impairment;
import io.pilot.engine.net.SharedEventLoops;
import io.pilot.engine.session.AccessPolicy;
import io.pilot.engine.session.PathSettings;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What a {@link PilotNode.Builder} was told, frozen when the node is built (a builder changed or reused later
 * does not reach the node). The setters check each value; this checks the combination.
 *
 * @param identityPath where the identity is kept, if {@code identity} is null
 * @param identity an identity held in memory, or null
 * @param handlerExecutor where message handlers run, or null for the node's own pool
 * @param exposeErrorDetails whether INTERNAL error replies name the exception's class and message
 * @param receiveCoalescing whether the UDP socket asks the kernel for UDP GRO (epoll only)
 * @param replyCoalescingWindow how long a handler's reply may wait for its peer's other replies, zero for not at all
 * @param eventLoops loops shared with other nodes of the process, or null for a loop thread of the node's own
 * @param maxInboundBuffered what all peers' partly received requests may hold at once, in bytes
 */
record NodeSettings(Path identityPath, Identity identity, InetSocketAddress bindAddress, int realm,
                    int maxMessageSize, Duration requestTimeout, SessionSettings sessionSettings,
                    TransportConfig transportConfig, AccessPolicy accessPolicy, Impairment impairment,
                    Executor handlerExecutor, SecureRandom random, int socketBufferBytes, boolean answerStun,
                    PathSettings pathSettings, boolean exposeErrorDetails, boolean receiveCoalescing,
                    Duration replyCoalescingWindow, SharedEventLoops eventLoops, long maxInboundBuffered) {

    /** @throws IllegalStateException without an identity, or with packets that do not fit the wire */
    NodeSettings {
        if (identity == null && identityPath == null) {
            throw new IllegalStateException("set identityPath(...) or identity(...)");
        }
        if (transportConfig.maxPacketPayload() > WireFormat.MAX_DATA_PLAINTEXT) {
            throw new IllegalStateException("transport maxPacketPayload " + transportConfig.maxPacketPayload()
                    + " does not fit a DATA packet on a 1280-byte path (at most " + WireFormat.MAX_DATA_PLAINTEXT + ")");
        }
    }
}
