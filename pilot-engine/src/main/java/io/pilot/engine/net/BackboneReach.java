package io.pilot.engine.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.pilot.engine.stun.StunDemultiplexer;
import io.pilot.engine.stun.StunMessage;
import io.pilot.engine.wire.WireFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Which bearer carries a node's datagrams to its backbone. UDP first; when datagrams to the backbone have gone
 * unanswered for {@link #UDP_SILENCE_MILLIS} (at start, or mid-session), WebSocket to the same host and port,
 * then {@code wss} there and on 443, through the configured HTTP proxy if any. While on WebSocket a STUN Binding
 * request goes to the backbone's UDP port every {@link #PROBE_MILLIS}; the first datagram heard from the
 * backbone over UDP moves the node back, keeping the WebSocket open for {@link #LINGER_MILLIS} so datagrams
 * already on it still arrive. Sessions, keys and the transport above never notice: the backbone's endpoint
 * stays the same address, only the bearer under it changes. Confined to the event loop.
 */
public final class BackboneReach {

    private static final Logger log = LoggerFactory.getLogger(BackboneReach.class);

    /** UDP to the backbone unanswered this long (with datagrams sent) makes the node try WebSocket. */
    public static final long UDP_SILENCE_MILLIS = 2_000;
    /**
     * Datagrams sent to the backbone with nothing heard back before the silence counts. A lone unanswered datagram
     * is often an acknowledgement, which elicits nothing (an idle node acknowledging the backbone's keepalive): only
     * a datagram sent again (a retransmission, a retried handshake, the next heartbeat) shows that UDP is silent.
     */
    static final int UNANSWERED_SENDS = 2;
    /**
     * The latest relay datagrams sent to the backbone unanswered, replayed on the WebSocket once the backbone has
     * answered there (see {@link #readCompleteOn}).
     */
    private static final int REPLAYED = 4;
    /** Longest wait for the backbone's first datagram on a new WebSocket before the relay datagrams go anyway. */
    static final long REPLAY_HOLD_MILLIS = 1_000;
    /** Relay datagrams held at most meanwhile, the oldest dropped past it (the transport retransmits). */
    private static final int HELD = 32;
    /** How often UDP to the backbone is probed while the node is on WebSocket. */
    public static final long PROBE_MILLIS = 5_000;
    /** How long a WebSocket no longer used stays open for what is still on its way. */
    static final long LINGER_MILLIS = 10_000;
    /** Wait before trying every WebSocket target again after all failed. */
    static final long REDIAL_MILLIS = 5_000;
    private static final long TICK_MILLIS = 250;
    /** From the backbone's first Pilot datagram over UDP (its path challenge) to relaying over UDP too. */
    private static final long MOVE_MILLIS = 300;

    private final EventLoop loop;
    private final BearerSwitch bearers;
    private final WebSocketDialer dialer;
    private final InetSocketAddress backbone;
    private final ProxySettings proxy;
    private final SecureRandom random = new SecureRandom();
    /**
     * Runs {@link #tick} every {@link #TICK_MILLIS} while there is something to watch ({@link #watching}), null
     * otherwise: a node whose backbone answers over UDP is not woken by it.
     */
    private ScheduledFuture<?> ticker;
    private boolean closed;
    private final Runnable moved;
    private long firstUnansweredNanos = -1;
    private int sentUnanswered;
    private long nextDialNanos;
    private long nextProbeNanos;
    private boolean dialing;
    private Channel stream;
    /** UDP answers again but the backbone still knows this node by its WebSocket: see {@link #heardOverUdp}. */
    private boolean moving;
    private final ArrayDeque<ByteBuf> unanswered = new ArrayDeque<>();
    private ByteBuf lastSessionDatagram;
    /** Whether relay datagrams wait in {@link #unanswered} for the backbone's answer on the WebSocket now in use. */
    private boolean holding;
    private long holdingSinceNanos;
    private String reason = "";
    private String lastError;

    BackboneReach(EventLoop loop, BearerSwitch bearers, WebSocketDialer dialer, InetSocketAddress backbone,
            ProxySettings proxy, Runnable moved) {
        this.moved = moved;
        this.loop = loop;
        this.bearers = bearers;
        this.dialer = dialer;
        this.backbone = backbone;
        this.proxy = proxy != null && proxy.appliesTo(backbone.getHostString()) ? proxy : null;
    }

    /** The backbone endpoint this watches. */
    public InetSocketAddress backbone() {
        return backbone;
    }

    /** Whether datagrams to the backbone go over WebSocket now. */
    public boolean overStream() {
        return stream != null && stream.isActive();
    }

    /** Whether the node is opening a WebSocket to the backbone, or reaches it over one. */
    public boolean engaged() {
        return dialing || overStream();
    }

    /** Why the backbone is reached over WebSocket ("" while on UDP). */
    public String reason() {
        return overStream() ? reason : "";
    }

    /** The last failure to open a WebSocket (proxy refusals included), or null. */
    public String lastError() {
        return lastError;
    }

    /** The connection to send a datagram for {@code recipient} down, or null for the UDP socket. */
    Channel streamTo(InetSocketAddress recipient) {
        return overStream() && backbone.equals(recipient) ? stream : null;
    }

    /** As {@link #streamTo}, for one datagram: while {@link #moving}, only relay datagrams take the WebSocket. */
    Channel streamTo(InetSocketAddress recipient, ByteBuf datagram) {
        return sessionOverUdp(recipient, datagram) ? null : streamTo(recipient);
    }

    /**
     * A datagram went to {@code recipient} over UDP. For the backbone, it starts the silence clock and is kept
     * (the latest few, shared, not copied) so that the WebSocket, once up, carries it at once instead of the
     * session waiting for its next retransmission: a node behind a UDP-blocking firewall registers within the
     * directory client's first timeout.
     */
    void sentOverUdp(InetSocketAddress recipient, ByteBuf datagram, boolean single) {
        if (!backbone.equals(recipient)) {
            return;
        }
        long now = System.nanoTime();
        if (firstUnansweredNanos < 0 || sentUnanswered == 1
                && now - firstUnansweredNanos > 2 * TimeUnit.MILLISECONDS.toNanos(UDP_SILENCE_MILLIS)) {
            // The first unanswered datagram, or a lone one long ago (an acknowledgement, most likely): count from here.
            firstUnansweredNanos = now;
            sentUnanswered = 1;
        } else {
            sentUnanswered++;
        }
        if (sentUnanswered == UNANSWERED_SENDS) {
            watch(); // UDP may have gone silent: the tick tells after UDP_SILENCE_MILLIS
        }
        if (!single) {
            return;
        }
        if (!isRelay(datagram)) {
            // The session's own latest datagram, kept apart: relay traffic alone could push it out of the ring,
            // and it is what makes the backbone move its path to the WebSocket (a path challenge, §4.11).
            if (lastSessionDatagram != null) {
                lastSessionDatagram.release();
            }
            lastSessionDatagram = datagram.retainedDuplicate();
            return;
        }
        if (unanswered.size() == REPLAYED) {
            unanswered.removeFirst().release();
        }
        unanswered.addLast(datagram.retainedDuplicate());
    }

    private static boolean isRelay(ByteBuf datagram) {
        return datagram.isReadable() && datagram.getUnsignedByte(datagram.readerIndex()) == WireFormat.TYPE_RELAY;
    }

    /**
     * A datagram from {@code sender} came over UDP. From the backbone, it means UDP works. On WebSocket, the move
     * back is made before breaking: the backbone knows this node's session by its WebSocket and relays only for
     * that endpoint until the session's own datagrams, arriving over UDP, have moved its path there (a path
     * challenge, PROTOCOL §4). So while {@link #moving}, the session's own datagrams go over UDP (a copy on the
     * WebSocket too would reach the backbone first and make the UDP one a replay, which moves nothing) and relay
     * datagrams stay on the WebSocket; the first Pilot datagram the backbone sends over UDP (its challenge)
     * ends it once the answer has had time to move the path, and the WebSocket lingers for what is still on it.
     */
    void heardOverUdp(InetSocketAddress sender, ByteBuf datagram) {
        if (!backbone.equals(sender)) {
            return;
        }
        firstUnansweredNanos = -1;
        sentUnanswered = 0;
        forgetUnanswered();
        if (stream == null) {
            return;
        }
        if (!moving) {
            moving = true;
            log.info("UDP to the backbone at {} answers again: moving back from WebSocket", backbone);
            moved.run();
        } else if (!StunDemultiplexer.isStun(datagram)) {
            Channel old = stream;
            loop.schedule(() -> {
                if (stream == old) {
                    stream = null;
                    moving = false;
                    loop.schedule(() -> old.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
                }
            }, MOVE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A read batch from the WebSocket {@code channel} was handled and the sessions flushed what it asked of them: on
     * the backbone's stream, the first one carried its path challenge, and the answer is now on its way, ahead of
     * the relay datagrams held for it (see {@link #use}), which follow on the same connection.
     */
    void readCompleteOn(Channel channel) {
        if (channel == stream) {
            sendHeld();
        }
    }

    /**
     * Whether a datagram about to go down {@code channel} is a relay datagram to hold, behind those held already,
     * until the backbone has answered on it (see {@link #use}); if so, it is held and this takes it.
     */
    boolean holds(Channel channel, ByteBuf datagram) {
        if (!holding || channel != stream || !isRelay(datagram)) {
            return false;
        }
        if (unanswered.size() == HELD) {
            unanswered.removeFirst().release();
        }
        unanswered.addLast(datagram);
        return true;
    }

    private void sendHeld() {
        if (!holding) {
            return;
        }
        holding = false;
        while (!unanswered.isEmpty()) {
            stream.write(new BinaryWebSocketFrame(unanswered.removeFirst()), stream.voidPromise());
        }
        stream.flush();
    }

    /** Whether a datagram to {@code recipient} should go over UDP although the WebSocket is up: see {@link #moving}. */
    boolean sessionOverUdp(InetSocketAddress recipient, ByteBuf datagram) {
        return moving && backbone.equals(recipient) && !isRelay(datagram);
    }

    void close() {
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
        forgetUnanswered();
        if (stream != null) {
            stream.close();
        }
    }

    /** Whether {@link #tick} has anything to do: a silence to time, a WebSocket in use, a move or a dial under way. */
    private boolean watching() {
        return stream != null || moving || dialing || firstUnansweredNanos >= 0 && sentUnanswered >= UNANSWERED_SENDS;
    }

    /** Starts the tick if it is not running. */
    private void watch() {
        if (ticker == null && !closed) {
            ticker = loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        if (!watching()) {
            ticker.cancel(false); // UDP answers and nothing is under way: sleep until a send goes unanswered again
            ticker = null;
            return;
        }
        long now = System.nanoTime();
        if (moving && firstUnansweredNanos >= 0
                && now - firstUnansweredNanos >= TimeUnit.MILLISECONDS.toNanos(UDP_SILENCE_MILLIS)) {
            moving = false; // UDP went quiet again before the move was done: stay on WebSocket
        }
        if (overStream()) {
            if (holding && now - holdingSinceNanos >= TimeUnit.MILLISECONDS.toNanos(REPLAY_HOLD_MILLIS)) {
                sendHeld(); // no answer yet: an older backbone, or a slow one; the relay datagrams go as they are
            }
            if (now - nextProbeNanos >= 0) {
                nextProbeNanos = now + TimeUnit.MILLISECONDS.toNanos(PROBE_MILLIS);
                probeUdp();
            }
            return;
        }
        if (!dialing && firstUnansweredNanos >= 0 && sentUnanswered >= UNANSWERED_SENDS
                && now - firstUnansweredNanos >= TimeUnit.MILLISECONDS.toNanos(UDP_SILENCE_MILLIS)
                && now - nextDialNanos >= 0) {
            dialing = true;
            log.info("UDP to the backbone at {} unanswered for {} ms: trying WebSocket{}", backbone,
                    UDP_SILENCE_MILLIS, proxy == null ? "" : " via proxy " + proxy);
            dial(targets(), 0, new ArrayList<>());
        }
    }

    /** A STUN Binding request to the backbone's UDP port, past the switch: any answer means UDP works. */
    private void probeUdp() {
        byte[] transaction = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        random.nextBytes(transaction);
        Channel udp = bearers.channel();
        if (udp != null) {
            bearers.writeToSocket(new DatagramPacket(
                    StunMessage.builder(StunMessage.BINDING_REQUEST, transaction).build().encode(udp.alloc()), backbone));
        }
    }

    private List<WebSocketTarget> targets() {
        String host = backbone.getHostString();
        LinkedHashSet<WebSocketTarget> targets = new LinkedHashSet<>();
        targets.add(new WebSocketTarget(host, backbone.getPort(), false));
        targets.add(new WebSocketTarget(host, backbone.getPort(), true));
        targets.add(new WebSocketTarget(host, 443, true));
        targets.add(new WebSocketTarget(host, 443, false));
        return List.copyOf(targets);
    }

    private void dial(List<WebSocketTarget> targets, int index, List<String> errors) {
        if (index == targets.size()) {
            dialing = false;
            String error = String.join("; ", errors);
            nextDialNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REDIAL_MILLIS);
            // Once at WARN per kind of failure, then quietly: a backbone that is down would fill the log.
            if (!error.equals(lastError)) {
                log.warn("cannot reach the backbone at {} over WebSocket either (trying again every {} ms): {}",
                        backbone, REDIAL_MILLIS, error);
            } else {
                log.debug("still cannot reach the backbone at {} over WebSocket: {}", backbone, error);
            }
            lastError = error;
            return;
        }
        WebSocketTarget target = targets.get(index);
        Future<Channel> upgraded = dialer.dial(target, backbone, proxy);
        upgraded.addListener(done -> {
            if (firstUnansweredNanos < 0) { // UDP answered meanwhile
                dialing = false;
                if (upgraded.isSuccess()) {
                    upgraded.getNow().close();
                }
            } else if (upgraded.isSuccess()) {
                dialing = false;
                lastError = null;
                use(upgraded.getNow(), target);
            } else {
                errors.add(upgraded.cause().getMessage());
                boolean proxyRefused = upgraded.cause() instanceof WebSocketDialer.ProxyCredentialsRefused;
                dial(targets, proxyRefused ? targets.size() : index + 1, errors);
            }
        });
    }

    private void forgetUnanswered() {
        holding = false;
        while (!unanswered.isEmpty()) {
            unanswered.removeFirst().release();
        }
        if (lastSessionDatagram != null) {
            lastSessionDatagram.release();
            lastSessionDatagram = null;
        }
    }

    /**
     * Takes the WebSocket {@code channel}: the session's latest datagram goes first, at once; the relay datagrams
     * UDP left unanswered, and any sent meanwhile ({@link #holds}), wait for the backbone's answer there. The backbone relays only for a node's validated path,
     * and the session's datagram arriving over the WebSocket only starts a path challenge: relay datagrams right
     * behind it arrived before the answer had moved the path and were dropped (PROTOCOL.md §4.11), each then waiting
     * out a probe timeout.
     */
    private void use(Channel channel, WebSocketTarget target) {
        stream = channel;
        watch(); // the hold, the UDP probes
        if (lastSessionDatagram != null) {
            channel.write(new BinaryWebSocketFrame(lastSessionDatagram), channel.voidPromise());
            lastSessionDatagram = null;
        }
        holding = true;
        holdingSinceNanos = System.nanoTime();
        channel.flush();
        nextProbeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROBE_MILLIS);
        reason = "UDP to the backbone unanswered; using WebSocket " + (proxy == null ? "direct to " : "via proxy "
                + proxy + " to ") + target;
        log.info("reaching the backbone at {} over WebSocket: {}", backbone, reason);
        moved.run();
        channel.closeFuture().addListener(f -> {
            if (stream == channel) {
                stream = null;
                moving = false;
                forgetUnanswered(); // any relay datagrams held for the backbone's answer on it, which never came
                // Back to square one: UDP first, WebSocket again if it still does not answer.
                firstUnansweredNanos = System.nanoTime();
                sentUnanswered = UNANSWERED_SENDS; // it was silent before: no second proof needed
                watch();
                log.info("the WebSocket to the backbone at {} closed", backbone);
            }
        });
    }
}
