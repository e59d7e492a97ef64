package io.pilot.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.RetryBackoff;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.message.FrameException;
import io.pilot.engine.message.FrameKind;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageFrame;
import io.pilot.engine.message.MessageFrameDecoder;
import io.pilot.engine.message.MessageFrameEncoder;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.transport.ConnectionHandler;
import io.pilot.engine.transport.Stream;
import io.pilot.engine.transport.StreamHandler;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.CookieReply;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.HandshakeResponse;
import io.pilot.engine.wire.WireCodec;
import io.pilot.engine.wire.WireFormat;
import io.pilot.engine.wire.WirePacket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;

/**
 * One node's session with a backbone, spoken by the protocol's own parts and nothing more: the initiator side of the
 * handshake ({@link InitiatorHandshake}: Noise XX with identity proofs; the backbone's proof is taken on trust, as
 * the generator is given its address, not its key), DATA datagrams sealed with the session's keys
 * ({@link InitiatorKeys}), a transport {@link Connection} carrying requests as message frames on streams. No
 * event loop, no timers thread, no peer table: one UDP socket and a few kilobytes of state, driven by the
 * {@link SessionLoadGenerator}'s one thread. What the backbone sees is what a {@code PilotNode} with a
 * {@code DirectoryClient} sends: a handshake from its own port, a REGISTER of a signed record, then HEARTBEATs.
 *
 * <p>Left out, as a real node on a quiet path does not need them while it holds: path validation, relaying,
 * answering the backbone's own handshakes. A COOKIE_REPLY is answered as a node answers it (the INIT again, carrying
 * the cookie), so the backbone's handshake guard can meter a wave of sessions coming back at once.
 * It starts a rekey of its own after {@code rekeyAfterNanos}, as the initiator of its session would; a rekey the
 * backbone starts is not answered, so the bench runs its backbone with keys longer than a run.
 *
 * <p>It recovers as a node's {@code DirectoryClient} does: a heartbeat refused with {@code NOT_REGISTERED} (the
 * lease lapsed while one end was starved of CPU) registers again, and a connection that closed (unanswered for the
 * transport's unresponsive timeout) is replaced by a new handshake with a fresh connection when its next heartbeat
 * is due, then that heartbeat; a
 * handshake whose FINAL goes unconfirmed for a node's connect timeout starts again.
 * Both are counted. Without it a stall of ten seconds on a loaded machine failed sessions for good. An initiation
 * that went unanswered (its INIT sent {@value #SENDS_PER_INITIATION} times) or unconfirmed is tried again after the
 * wait a node's {@code DirectoryClient} takes between attempts to register ({@link RetryBackoff} with the
 * default first and longest waits: equal jitter, doubling per failure in a row), not at once: retrying at once, the
 * sessions a collapse had closed sent INITs at twice to three times a node's rate for as long as the backbone could
 * not answer them, into the socket its held sessions needed.
 */
final class LightSession {

    /** What a session does next; the generator counts them. */
    enum State { HANDSHAKING, CONFIRMING, REGISTERING, HELD, FAILED }

    private static final long RETRANSMIT_NANOS = 2_000_000_000L;
    /** Sends of one initiation before a new one (a node's handshake retransmits the same INIT too). */
    private static final int SENDS_PER_INITIATION = 5;
    private static final long REQUEST_TIMEOUT_MILLIS = 10_000;
    /** A node's connect timeout ({@code SessionSettings.DEFAULTS}): how long a FINAL may go unconfirmed. */
    private static final long CONFIRM_TIMEOUT_NANOS = 10_000_000_000L;
    /**
     * Where {@link #flush} seals each datagram: one per thread, since a generator drives all its sessions from one
     * thread and a session's datagram is sent before the next is sealed.
     */
    private static final ThreadLocal<byte[]> SEND_ARRAY =
            ThreadLocal.withInitial(() -> new byte[WireFormat.MAX_LARGE_DATAGRAM]);

    private final DatagramChannel channel;
    private final InetSocketAddress backbone;
    private final Identity identity;
    private final InitiatorHandshake handshake;
    private final byte[] registerBody;
    private final long rekeyAfterNanos;
    private final SecureRandom random;
    private final Counters counters;
    /** This session's place among its generator's, the tie-break of {@link SessionDeadlines}. */
    final int number;
    /** When {@link SessionDeadlines} has it filed; {@link Long#MAX_VALUE} when not filed. */
    long dueNanos = Long.MAX_VALUE;

    State state = State.HANDSHAKING;
    /** The INIT of the handshake under way, repeated until answered. */
    private byte[] initBytes;
    /** The FINAL until the backbone confirms it (a lost FINAL or confirmation is repaired by sending it again). */
    private byte[] finalBytes;
    private long finalSentNanos;
    /** When the FINAL was first sent: a session unconfirmed after {@link #CONFIRM_TIMEOUT_NANOS} starts again. */
    private long confirmingSinceNanos;
    private int initSends;
    /** The wait after an initiation that went unanswered or unconfirmed: a node's, reset by a confirmed one. */
    private final RetryBackoff retries;
    private long handshakeSentNanos;
    private boolean freshConnection = true;
    /** The number of the connection the backbone's last confirmation named (docs/PROTOCOL.md §4.12), 0 before any. */
    private long connectionNumber;
    /** The keys of the last handshake, which this session sends with, and, for a while after a rekey, the ones before. */
    private InitiatorKeys keys;
    private InitiatorKeys previousKeys;
    private long keysSinceNanos;
    private Connection connection;
    private long nextHeartbeatNanos = Long.MAX_VALUE;
    /** When a session whose connection closed starts its new handshake ({@link #reconnect}); none pending: max. */
    private long reconnectAtNanos = Long.MAX_VALUE;
    private byte[] backboneNodeKey;
    private boolean requestInFlight;
    /** The backbone accepted this session's record once. */
    private boolean registered;
    /** The time of the datagram being handled, for what a reply handled inside it sends. */
    private long receivedNanos;
    /** The lookup this session keeps {@code lookupDepth} of in flight once held ({@link #keepLookupsInFlight}). */
    private byte[] lookupBody;
    private int lookupDepth;
    private int lookupsInFlight;
    /** Requests sent: their correlation ids, made without SecureRandom (the load's CPU is not what is measured). */
    private long requestsSent;

    /** What every session of a generator adds to. */
    static final class Counters {
        /** Sessions made: each one's {@link #number}. */
        int sessions;
        long handshakes;
        long rekeys;
        long registered;
        long heartbeats;
        /** Lookups answered with exactly one record ({@link LookupLoadGenerator}'s load). */
        long lookups;
        long failures;
        /** Why the last session failed, for the generator to tell. */
        String lastFailure;
        /** Heartbeats refused for a lapsed lease, then registered again. */
        long reregistrations;
        /** Connections that closed, or handshakes left unconfirmed, then replaced by a new handshake. */
        long reconnects;
        /**
         * Why the connections that closed did, by transport error code ({@code TransportError}), a closing by the
         * backbone apart from one by this side's own timers: what a run that lost sessions looks at first.
         */
        final java.util.TreeMap<String, Long> closes = new java.util.TreeMap<>();
        long datagramsIn;
        long datagramsOut;
        /** COOKIE_REPLYs answered: INITs the backbone's guard asked to come again with a cookie. */
        long cookies;
    }

    LightSession(DatagramChannel channel, InetSocketAddress backbone, Identity identity, int realm, byte[] registerBody,
            long rekeyAfterNanos, SecureRandom random, Counters counters) {
        this.channel = channel;
        this.backbone = backbone;
        this.identity = identity;
        this.handshake = InitiatorHandshake.trustingTheResponder(identity, realm, random);
        this.registerBody = registerBody;
        this.rekeyAfterNanos = rekeyAfterNanos;
        this.random = random;
        this.retries = new RetryBackoff(DirectoryClient.DEFAULT_FIRST_RETRY, DirectoryClient.DEFAULT_LONGEST_RETRY, random);
        this.counters = counters;
        this.number = counters.sessions++;
    }

    /** Sends a handshake initiation (the first, a retransmission, or a rekey). */
    void initiate(long now) {
        initBytes = handshake.start();
        initSends = 0;
        sendInit(now);
    }

    /** Sends the current initiation (again): a late answer to an earlier send still matches it. */
    private void sendInit(long now) {
        send(ByteBuffer.wrap(initBytes));
        initSends++;
        handshakeSentNanos = now;
    }

    /** Handles every datagram waiting on this session's socket, read one by one into {@code scratch}. */
    void receiveAll(ByteBuffer scratch, long now) throws IOException {
        while (true) {
            scratch.clear();
            if (channel.receive(scratch) == null) {
                return;
            }
            scratch.flip();
            receive(scratch, now);
        }
    }

    /** Handles one datagram from the backbone. */
    void receive(ByteBuffer datagram, long now) {
        counters.datagramsIn++;
        receivedNanos = now;
        ByteBuf in = Unpooled.wrappedBuffer(datagram);
        WireCodec.Result decoded = WireCodec.decode(in);
        WirePacket packet = decoded.packet();
        if (packet instanceof HandshakeResponse response && handshake.answeredBy(response)) {
            onResponse(response, now);
        } else if (packet instanceof CookieReply reply) {
            onCookie(reply, now);
        } else if (packet instanceof DataPacket data) {
            try {
                onData(data, now);
            } finally {
                data.release();
            }
        }
    }

    /**
     * The backbone, under load, wants a cookie before it spends work on this session's INIT: the INIT goes again at
     * once carrying it, as a node's does, and its retransmissions carry it too. Sends of the cookied INIT count
     * afresh: the first were answered, only not yet with work.
     */
    private void onCookie(CookieReply reply, long now) {
        byte[] cookied = handshake.withCookie(reply);
        if (cookied != null) {
            counters.cookies++;
            initBytes = cookied;
            initSends = 0;
            sendInit(now);
        }
    }

    private void onResponse(HandshakeResponse response, long now) {
        InitiatorHandshake.Answer answer;
        try {
            answer = handshake.finish(response, freshConnection, connectionNumber);
        } catch (InitiatorHandshake.Refused refused) {
            fail("handshake refused: " + refused.getMessage());
            return;
        }
        initBytes = null;
        backboneNodeKey = answer.responderKey();
        previousKeys = keys;
        keys = answer.keys();
        keysSinceNanos = now;
        if (state == State.HANDSHAKING) {
            state = State.CONFIRMING;
            finalBytes = answer.finalDatagram();
            finalSentNanos = now;
            confirmingSinceNanos = now;
        }
        send(ByteBuffer.wrap(answer.finalDatagram()));
        counters.handshakes++;
    }

    /** An ended notice's plaintext (PROTOCOL.md §3.5): one byte, kind 1. */
    private static final int ENDED_NOTICE_LENGTH = 1;
    private static final byte ENDED_NOTICE = 1;

    private void onData(DataPacket data, long now) {
        ByteBuffer plaintext = keys == null ? null : keys.open(data);
        boolean currentKeys = plaintext != null;
        if (plaintext == null && previousKeys != null) {
            plaintext = previousKeys.open(data);
        }
        if (plaintext == null) {
            return;
        }
        if (plaintext.remaining() == ENDED_NOTICE_LENGTH && plaintext.get(plaintext.position()) == ENDED_NOTICE) {
            // The backbone ended this connection (it heard nothing from here in time, PROTOCOL.md §4.12): end it
            // here too, and the next heartbeat starts over, as a node would (counted among the closes as backbone-0).
            if (currentKeys && connection != null && !connection.isClosed()) {
                connection.endedByPeer("the backbone had already ended this connection");
            }
        } else if (InitiatorKeys.isConfirmation(plaintext)) {
            connectionNumber = Math.max(connectionNumber, InitiatorKeys.confirmedNumber(plaintext));
            onConfirmation(now);
        } else if (plaintext.remaining() > 1 && connection != null) {
            connection.receive(plaintext, now);
            flush(now);
        }
    }

    /** The backbone has the keys: a fresh handshake starts the connection and registers; a rekey changes nothing more. */
    private void onConfirmation(long now) {
        if (state != State.CONFIRMING) {
            return;
        }
        freshConnection = false;
        finalBytes = null;
        retries.reset();
        lookupsInFlight = 0; // a closed connection's lookups will never be answered: the new one starts afresh
        // Both ends agree who opens even stream ids without a word: the lower node key does.
        boolean even = Arrays.compareUnsigned(identity.publicKey().toBytes(), backboneNodeKey) < 0;
        connection = new Connection(TransportConfig.defaults(), even, new ConnectionHandler() {
            @Override
            public void onStreamOpened(Stream stream) {
                stream.reset(0); // the backbone's events: this client watches nothing
            }
        }, now);
        // As a node's connection on a direct UDP path: it searches for the largest datagram the path carries
        // (16,336 bytes on loopback), once it fills packets, so lookups kept in flight share datagrams as a node's would.
        connection.datagramPath(backbone, WireFormat.MAX_LARGE_DATAGRAM, WireFormat.DATA_OVERHEAD);
        if (registered) {
            // A new connection after a closed one: the record may still be held (registering the same signed
            // record again would be refused as stale), so a heartbeat asks, and NOT_REGISTERED registers again.
            state = State.HELD;
            request(SyntheticAgents.heartbeatBody(), now);
        } else {
            state = State.REGISTERING;
            request(registerBody, now);
        }
    }

    /**
     * From now on keeps {@code depth} directory lookups {@code body} in flight, each answered one followed by the
     * next, besides the heartbeats: the load of a {@link LookupLoadGenerator}. Each reply must carry exactly one
     * record; anything else fails the session. A depth of 0 sends no more (those in flight are still answered).
     */
    void keepLookupsInFlight(byte[] body, int depth, long now) {
        lookupBody = body;
        lookupDepth = depth;
        if (state == State.HELD) {
            topUpLookups();
            flush(now);
        }
    }

    private void topUpLookups() {
        while (lookupsInFlight < lookupDepth) {
            lookupsInFlight++;
            openRequest(lookupBody, true);
        }
    }

    /** Sends a directory request; its reply moves the state on. */
    private void request(byte[] body, long now) {
        openRequest(body, false);
        requestInFlight = true;
        flush(now);
    }

    /** Writes a request on a new stream; {@link #flush} sends it. */
    private void openRequest(byte[] body, boolean lookup) {
        Message message = Message.of(body).withAll(Map.of(Headers.CORRELATION_ID, Long.toString(++requestsSent),
                Headers.DEADLINE, Long.toString(REQUEST_TIMEOUT_MILLIS)));
        Stream stream = connection.openStream(DirectoryProtocol.PORT);
        MessageFrameDecoder decoder = new MessageFrameDecoder(64 * 1024);
        stream.setHandler(new StreamHandler() {
            @Override
            public void onData(Stream s, ByteBuffer data) {
                try {
                    MessageFrame reply = decoder.feed(data);
                    if (reply != null && lookup) {
                        onLookupReply(reply);
                    } else if (reply != null) {
                        onReply(reply);
                    }
                } catch (FrameException e) {
                    fail("malformed reply frame: " + e.getMessage());
                }
            }
        });
        for (ByteBuffer part : MessageFrameEncoder.encode(new MessageFrame(FrameKind.REQUEST, message))) {
            if (part.hasRemaining()) {
                stream.write(part);
            }
        }
        stream.finish();
    }

    /** A lookup answered: counted if it found its one record, and followed by the next (sent by the receive's flush). */
    private void onLookupReply(MessageFrame reply) {
        lookupsInFlight--;
        byte[] body = reply.message().body();
        if (reply.kind() != FrameKind.REPLY || body.length < 5 || body[0] != 0
                || ByteBuffer.wrap(body, 1, 4).getInt() != 1) {
            fail("a lookup answered " + reply.kind() + " with " + (body.length < 5 ? body.length + " bytes"
                    : "status " + body[0] + " and " + ByteBuffer.wrap(body, 1, 4).getInt() + " records, not 1"));
            return;
        }
        counters.lookups++;
        topUpLookups();
    }

    private void onReply(MessageFrame reply) {
        requestInFlight = false;
        if (reply.kind() != FrameKind.REPLY) {
            fail("a " + state + " request answered " + reply.kind());
            return;
        }
        try {
            DirectoryProtocol.readReply(reply.message().body());
        } catch (DirectoryException refusal) {
            if (state == State.HELD && refusal.error() == DirectoryError.NOT_REGISTERED) {
                counters.reregistrations++;
                state = State.REGISTERING;
                request(registerBody, receivedNanos);
            } else {
                fail("a " + state + " request refused: " + refusal.error());
            }
            return;
        }
        if (state == State.REGISTERING) {
            state = State.HELD;
            if (!registered) {
                counters.registered++; // the generator's count of sessions past their first registration
            }
            registered = true;
            if (lookupBody != null) {
                topUpLookups(); // sent by the receive's flush
            }
        } else {
            counters.heartbeats++;
        }
    }

    /**
     * Sends what the connection has ready, each packet sealed into one DATA datagram in place, in the thread's one
     * datagram array ({@link #SEND_ARRAY}): the socket copies it on send, so nothing is allocated per datagram.
     */
    private void flush(long now) {
        byte[] array = SEND_ARRAY.get();
        ByteBuffer packet = ByteBuffer.wrap(array, WireFormat.DATA_HEADER_LENGTH,
                WireFormat.MAX_LARGE_DATAGRAM - WireFormat.DATA_OVERHEAD).slice();
        while (true) {
            packet.clear();
            int length = connection.poll(now, packet);
            if (length <= 0) {
                return;
            }
            send(keys.sealInPlace(array, length));
        }
    }

    /**
     * Whatever is due at {@code now}: a handshake retransmission, a rekey, the connection's timers, the next
     * heartbeat. Returns when it next needs a call.
     */
    long onTimer(long now, long heartbeatNanos) {
        if (state == State.FAILED) {
            return Long.MAX_VALUE;
        }
        if (now >= reconnectAtNanos) {
            reconnectAtNanos = Long.MAX_VALUE;
            initiate(now);
        }
        if (handshake.inProgress() && now - handshakeSentNanos >= RETRANSMIT_NANOS) {
            if (initSends < SENDS_PER_INITIATION) {
                sendInit(now);
            } else {
                handshake.abandon();
                retryLater(now);
            }
        }
        if (finalBytes != null && now - confirmingSinceNanos >= CONFIRM_TIMEOUT_NANOS) {
            // The backbone forgot the handshake (its half-open state lives 10 s, and a starved backbone or generator
            // can take longer) or every confirmation was lost: start again, as a node does after its connect timeout.
            // Repeating the FINAL for ever left the session stuck, holding one of the generator's in-flight slots.
            counters.reconnects++;
            finalBytes = null;
            state = State.HANDSHAKING;
            retryLater(now);
        }
        if (finalBytes != null && now - finalSentNanos >= RETRANSMIT_NANOS) {
            send(ByteBuffer.wrap(finalBytes));
            finalSentNanos = now;
        }
        if (connection != null && connection.nextDeadlineNanos() <= now) {
            connection.onTimeout(now);
        }
        if (connection != null && connection.isClosed()) {
            // Closed by the peer, or just now by its own timers (unanswered for the unresponsive timeout, idle): a
            // heartbeat on it would throw. A generator starved of CPU for ten seconds on a loaded machine got here,
            // and the exception ended the generator and every session it held.
            reconnect(now, heartbeatNanos);
        }
        if (connection != null) {
            if (state == State.HELD && !handshake.inProgress() && now - keysSinceNanos >= rekeyAfterNanos) {
                counters.rekeys++;
                initiate(now);
            }
            if (state == State.HELD && now >= nextHeartbeatNanos) {
                // One request at a time: a beat that finds the last one unanswered is skipped, not retried at once.
                if (!requestInFlight) {
                    request(SyntheticAgents.heartbeatBody(), now);
                }
                nextHeartbeatNanos = now + heartbeatNanos;
            } else if (state == State.HELD && nextHeartbeatNanos == Long.MAX_VALUE) {
                // Spread over the interval, so that sessions made in one burst do not heartbeat in step.
                nextHeartbeatNanos = now + (long) (random.nextDouble() * heartbeatNanos);
            }
            flush(now);
        }
        long next = handshake.inProgress() ? handshakeSentNanos + RETRANSMIT_NANOS : reconnectAtNanos;
        if (finalBytes != null) {
            next = Math.min(next, finalSentNanos + RETRANSMIT_NANOS);
        }
        if (connection != null) {
            next = Math.min(next, connection.nextDeadlineNanos());
            if (state == State.HELD) {
                next = Math.min(next, Math.min(nextHeartbeatNanos, keysSinceNanos + rekeyAfterNanos));
            }
        }
        return next;
    }

    /** An initiation failed: the next starts after a node's wait between attempts to register. */
    private void retryLater(long now) {
        reconnectAtNanos = now + retries.next().toNanos();
    }

    /**
     * The connection closed: a new handshake starts a fresh one when the session next has something to send (its
     * next heartbeat, as a node handshakes again at its next send), and the session registers again on it.
     * Handshaking at once made every session of a backbone that stalled for the unresponsive timeout (10 s) start
     * its handshake in the same second: four 100,000-session runs here at load averages of 30 to 40 lost 10,000 to
     * 20,000 sessions that way, the backbone's half-open table full of initiations whose senders had moved on.
     */
    private void reconnect(long now, long heartbeatNanos) {
        counters.reconnects++;
        io.pilot.engine.transport.CloseReason reason = connection.closeReason();
        if (reason != null) {
            counters.closes.merge((reason.remote() ? "backbone-" : "own-") + reason.code(), 1L, Long::sum);
        }
        connection = null;
        requestInFlight = false;
        if (!handshake.inProgress()) { // a rekey under way finishes as the fresh connection's handshake instead
            reconnectAtNanos = nextHeartbeatNanos != Long.MAX_VALUE ? Math.max(now, nextHeartbeatNanos)
                    : now + (long) (random.nextDouble() * heartbeatNanos);
        }
        nextHeartbeatNanos = Long.MAX_VALUE;
        freshConnection = true;
        finalBytes = null;
        state = State.HANDSHAKING;
    }

    private void fail(String why) {
        if (state != State.FAILED) {
            state = State.FAILED;
            counters.failures++;
            counters.lastFailure = why;
        }
    }

    /**
     * Something this session did threw: it fails alone, counted, rather than ending the generator and with it every
     * other session. Returns whether this was its first failure (the generator says why once).
     */
    boolean failAlone(RuntimeException cause) {
        boolean first = state != State.FAILED;
        fail("threw " + cause);
        return first;
    }

    private void send(ByteBuffer datagram) {
        try {
            channel.send(datagram, backbone);
            counters.datagramsOut++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
