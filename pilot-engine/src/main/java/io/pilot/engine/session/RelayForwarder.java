package io.pilot.engine.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.limit.RateLimiter;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.ForwardPacket;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The relay role (the backbone plays it): passes datagrams between two nodes that both hold a session with
 * this one. The sender is known by the endpoint its session runs on; the datagram goes on to the target's
 * endpoint, labelled with the sender's address. Whatever is inside stays sealed between the two ends.
 *
 * <p>One of several backbones of a realm also relays towards a node attached to another backbone
 * ({@link BackboneRoutes}): it passes the datagram to that backbone as a FORWARD tagged with the realm's key
 * ({@link ForwardingSeal}), and that backbone delivers it to its node. A FORWARD is only ever delivered, never
 * forwarded again: one relayed datagram crosses at most one backbone-to-backbone hop, within the sender's budget
 * at the first backbone, so no node can make backbones amplify traffic or loop it between them; nothing is
 * buffered.
 *
 * <p>Datagrams above the base size pass when the hop towards the target carries them ({@link #carries}): the two
 * nodes' path MTU search runs end to end through the relay, which never fragments (its socket sets the
 * don't-fragment bit) and drops, never cuts, a datagram too large for where it goes. Confined to the event loop.
 */
final class RelayForwarder {

    /**
     * What one node may send through this relay: 512 MiB/s with a burst of twice that. Real traffic fits: a relayed
     * bulk transfer on 16 KiB datagrams runs at 160 to 200 MiB/s on this 2-core machine under load and would run
     * faster on a quiet one (128 MiB/s, the budget while relayed paths kept 1,232-byte datagrams, cut such a
     * transfer: bench section 6 counted its drops). The relay's cost is per datagram more than per byte, and at
     * 16 KiB a byte costs the relay's loop about half what it did at the base size, so this budget buys one node
     * about the share of the loop the old one did; one node still cannot take the relay for itself alone.
     */
    static final int RELAY_BYTES_PER_SECOND = 512 << 20;
    /**
     * How many datagrams one node may send through this relay a second (a burst of twice that): a byte budget alone
     * let one node within it fill the relay's loop with datagrams of a few bytes, which cost the loop as much as full
     * ones. Real traffic fits: the relayed bulk transfer of bench section 6 sends about 40,000 datagrams a second
     * (16 KiB each), and a relayed node answering 40,000 calls a second about as many.
     */
    static final int RELAY_DATAGRAMS_PER_SECOND = 100_000;
    /**
     * How many datagrams this relay passes to one node a second (a burst of twice that), from every sender together and
     * those other backbones forward: identities are free, so many senders each within their budget could otherwise aim
     * all of this relay at one node. Twice what one sender may send, so a node that two relayed peers talk to at their
     * fullest is not held back.
     */
    static final int RELAY_DATAGRAMS_PER_TARGET_PER_SECOND = 2 * RELAY_DATAGRAMS_PER_SECOND;
    /** Senders whose budgets are remembered (least recently seen forgotten first). */
    private static final int MAX_SENDERS = 100_000;

    private final Channel channel;
    private final boolean segmentationOffload;
    private final Paths paths;
    private final PeerTable peers;
    private final SessionSettings settings;
    private final DropCounters drops;
    private final RateLimiter<PilotAddress> budgets;
    private final RateLimiter<PilotAddress> datagramBudgets;
    private final RateLimiter<PilotAddress> targetBudgets;
    private final Supplier<ForwardingSeal> sealFactory;
    private ForwardingSeal seal;
    private BackboneRoutes routes = BackboneRoutes.NONE;
    /** Who may send through this relay beyond holding a session here; by default anyone who does. */
    private Predicate<PilotAddress> admitted = address -> true;
    /** The largest datagram the hop to an endpoint carries; see {@link #carries}. */
    private ToIntFunction<InetSocketAddress> largestTo = endpoint -> WireFormat.MAX_RELAY_DATAGRAM;
    private boolean serving;
    /** Datagrams from one sender to one node, gathered while a read batch lasts; see {@link #flush}. */
    private DatagramBatch pending;
    private PilotAddress pendingSource;
    /** Whether single datagrams were written since the last flush of the channel. */
    private boolean unflushed;
    private long relayedBytes;
    private long forwardedBytes;

    /**
     * @param channel where batches are written; with {@code segmentationOffload} false nothing is batched
     * @param segmentationOffload whether datagrams passed on to one node may leave as one UDP GSO write
     */
    RelayForwarder(Channel channel, boolean segmentationOffload, Paths paths, PeerTable peers, SessionSettings settings,
            DropCounters drops, Supplier<ForwardingSeal> seal) {
        this(channel, segmentationOffload, paths, peers, settings, drops, seal, RELAY_BYTES_PER_SECOND,
                RELAY_DATAGRAMS_PER_SECOND, RELAY_DATAGRAMS_PER_TARGET_PER_SECOND);
    }

    /**
     * With other budgets than {@link #RELAY_BYTES_PER_SECOND}, {@link #RELAY_DATAGRAMS_PER_SECOND} and
     * {@link #RELAY_DATAGRAMS_PER_TARGET_PER_SECOND}: for tests.
     */
    RelayForwarder(Channel channel, boolean segmentationOffload, Paths paths, PeerTable peers, SessionSettings settings,
            DropCounters drops, Supplier<ForwardingSeal> seal, int bytesPerSecond, int datagramsPerSecond,
            int datagramsPerTargetPerSecond) {
        this.budgets = new RateLimiter<>(bytesPerSecond, MAX_SENDERS);
        this.datagramBudgets = new RateLimiter<>(datagramsPerSecond, MAX_SENDERS);
        this.targetBudgets = new RateLimiter<>(datagramsPerTargetPerSecond, MAX_SENDERS);
        this.channel = channel;
        this.segmentationOffload = segmentationOffload;
        this.paths = paths;
        this.peers = peers;
        this.settings = settings;
        this.drops = drops;
        this.sealFactory = seal;
    }

    void serve(boolean serve) {
        this.serving = serve;
        if (serve && seal == null) {
            seal = sealFactory.get(); // one signature and a MAC key: only a relay needs them
        }
    }

    /** Who may send through this relay, beyond holding an established session with it. */
    void admit(Predicate<PilotAddress> admitted) {
        this.admitted = admitted;
    }

    /** Where datagrams for nodes attached to other backbones of the realm go. */
    void routes(BackboneRoutes routes) {
        this.routes = routes;
    }

    /**
     * The largest datagram (relay header included) this relay may send to an endpoint: over UDP what its socket
     * sends without fragmenting, over a WebSocket what that connection's node takes in one frame. Larger ones are
     * dropped ({@link DropReason#OVERSIZED}), so a search through the relay settles at what the whole way carries.
     */
    void carries(ToIntFunction<InetSocketAddress> largestTo) {
        this.largestTo = largestTo;
    }

    /** Bytes passed on so far (to this relay's nodes and to other backbones). */
    long relayedBytes() {
        return relayedBytes;
    }

    /** Of {@link #relayedBytes()}, those passed to other backbones for their nodes. */
    long forwardedBytes() {
        return forwardedBytes;
    }

    /** Only a node with a session here may send through the relay, only to a node with a session here. */
    void forward(RelayPacket relay, InetSocketAddress sender, long now) {
        Peer from = paths.peerAt(sender);
        if (!serving || from == null || from.relayed || !from.isEstablished(now, settings) || !admitted.test(from.address)) {
            drops.count(DropReason.NOT_ALLOWED);
            return;
        }
        // The directory says where the target is attached: a session it may still hold here (from before a
        // failover) would not do, since a node accepts RELAYED only from the backbone it is attached to now.
        InetSocketAddress elsewhere = routes.backboneOf(relay.address());
        Peer to = elsewhere == null ? deliverable(relay.address(), now) : null;
        if (elsewhere == null && to == null) {
            drops.count(DropReason.UNKNOWN_SESSION);
            return;
        }
        int length = relay.inner().readableBytes();
        // A FORWARD carries datagrams of the base size only; towards a node, what the hop there carries.
        if (elsewhere != null ? length > WireFormat.MAX_DATAGRAM
                : WireFormat.RELAY_HEADER_LENGTH + length > largestTo.applyAsInt(to.endpoint)) {
            drops.count(DropReason.OVERSIZED);
            return;
        }
        if (!datagramBudgets.tryAcquire(from.address, now) || !budgets.tryAcquire(from.address, now, length)
                || !targetBudgets.tryAcquire(relay.address(), now)) {
            drops.count(DropReason.RATE_LIMITED);
            return;
        }
        relayedBytes += length;
        if (elsewhere != null) {
            forwardedBytes += length;
            paths.send(seal.seal(ForwardPacket.wrap(paths.allocator(), from.address, relay.address(), relay.inner().retain())),
                    elsewhere);
        } else {
            deliver(from.address, relay.rewrite(WireFormat.TYPE_RELAYED, from.address), to);
        }
    }

    /**
     * A datagram another backbone of the realm passes on for a node attached here: delivered if its tag checks
     * and the node holds a session here; never passed on again.
     */
    void deliverForwarded(ForwardPacket forward, long now) {
        if (!serving) {
            drops.count(DropReason.NOT_ALLOWED);
            return;
        }
        if (!seal.verify(forward)) {
            drops.count(DropReason.BAD_TAG);
            return;
        }
        if (!admitted.test(forward.source())) {
            drops.count(DropReason.NOT_ALLOWED); // every backbone of the realm applies its own rule, not only the first
            return;
        }
        Peer to = deliverable(forward.target(), now);
        if (to == null) {
            drops.count(DropReason.UNKNOWN_SESSION);
            return;
        }
        if (!targetBudgets.tryAcquire(forward.target(), now)) {
            drops.count(DropReason.RATE_LIMITED);
            return;
        }
        relayedBytes += forward.inner().readableBytes();
        deliver(forward.source(), RelayPacket.wrap(paths.allocator(), WireFormat.TYPE_RELAYED, forward.source(),
                forward.inner().retain()), to);
    }

    private Peer deliverable(PilotAddress target, long now) {
        Peer to = peers.get(target);
        return to == null || to.relayed || to.endpoint == null || !to.isEstablished(now, settings) ? null : to;
    }

    /**
     * Passes {@code datagram} (a whole RELAYED datagram, consumed) on to {@code to}. With segmentation offload, a
     * run of full-size datagrams from one sender to one node (what a bulk transfer through the relay is, read in
     * one coalesced batch: datagrams of one size, the base or larger, whatever the two ends' search settled at)
     * leaves as one GSO write when the read batch ends ({@link #flush}) or the run does; anything else is written
     * at once and flushed with the read batch, so that the datagrams passed on from one batch (acknowledgements,
     * small ones, or to several nodes) leave together in as few system calls as the socket allows ({@code sendmmsg}).
     */
    private void deliver(PilotAddress source, ByteBuf datagram, Peer to) {
        int size = datagram.readableBytes();
        if (pending != null && !(pending.recipient().equals(to.endpoint) && pendingSource.equals(source)
                && size <= pending.segmentSize())) {
            writePending();
        }
        if (pending == null && !(segmentationOffload && size >= WireFormat.MAX_RELAY_DATAGRAM)) {
            channel.write(new DatagramPacket(datagram, to.endpoint), channel.voidPromise());
            unflushed = true;
            return;
        }
        if (pending == null) {
            pending = DatagramBatch.forRelaying(paths.allocator(), to.endpoint, size);
            pendingSource = source;
        }
        pending.relay(datagram);
        if (pending.isClosed()) {
            writePending();
            channel.flush();
            unflushed = false;
        }
    }

    /** The read batch ended: what is gathered or written leaves now. */
    void flush() {
        if (pending != null) {
            writePending();
            unflushed = true;
        }
        if (unflushed) {
            channel.flush();
            unflushed = false;
        }
    }

    private void writePending() {
        pending.writeTo(channel);
        pending = null;
        pendingSource = null;
    }
}
