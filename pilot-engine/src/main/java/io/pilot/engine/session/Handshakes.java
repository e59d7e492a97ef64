package io.pilot.engine.session;

import io.netty.buffer.ByteBufAllocator;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.crypto.X25519KeyPair;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.noise.HandshakeState;
import io.pilot.engine.noise.NoiseException;
import io.pilot.engine.noise.SplitKeys;
import io.pilot.engine.wire.CookieReply;
import io.pilot.engine.wire.DropCounters;
import io.pilot.engine.wire.DropReason;
import io.pilot.engine.wire.HandshakeFinal;
import io.pilot.engine.wire.HandshakeInit;
import io.pilot.engine.wire.HandshakeResponse;
import io.pilot.engine.wire.WireFormat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Noise XX handshakes of a node, both as initiator (INIT, then FINAL once the RESPONSE proved the
 * peer) and as responder (RESPONSE behind the {@link HandshakeGuard}, then the confirmation once the
 * FINAL proved the initiator), cookie replies, and the key pairs each finished handshake installs. Every
 * identity a peer proves goes through the {@link ProofCheck}; what a finished handshake means for the
 * peer's connection is the {@link Establishment}'s to decide. Repeating unanswered messages on time is the
 * {@link KeyTimers}' job; they call back here to send. Confined to the event loop.
 *
 * <p>The handshake is {@code Noise_XX_25519_AESGCM_SHA256} with prologue {@code "pilot/2"}; each side's
 * encrypted payload is a {@link HandshakePayload}: its {@link IdentityProof}, signed for this very handshake,
 * and flags.
 */
final class Handshakes {

    private static final Logger log = LoggerFactory.getLogger(Handshakes.class);

    /**
     * DATA plaintext of exactly six bytes is a session confirmation (the connection number), not a transport
     * packet (never shorter than its 8-byte packet number) nor a path frame (seven bytes).
     */
    static final int CONFIRMATION_LENGTH = ConnectionNumbers.LENGTH;

    private final Identity identity;
    private final int realm;
    private final long bootId;
    private final X25519KeyPair noiseStatic;
    private final SessionSettings settings;
    private final DropCounters drops;
    private final HandshakeGuard directGuard;
    private final HandshakeGuard relayedGuard;
    private final ProofCheck proofs;
    private final IndexTable indexes;
    private final Responders responders;
    private final PeerTable peers;
    private final Paths paths;
    private final Establishment establishment;
    private final ByteBufAllocator allocator;
    private final ByteBuffer confirmation = ByteBuffer.allocate(CONFIRMATION_LENGTH);
    /** A closed node starts no handshake, whatever still arrives. */
    private boolean stopped;
    /** INITs let through by their guard, waiting for the responder's work. */
    private final InitBacklog backlog = new InitBacklog();
    /** Runs a turn of {@link #answerTurn} after the loop's next look at its socket. */
    private final Executor turns;
    private boolean turnScheduled;
    /** How many INITs each turn answers. */
    private final AnswerTurn turn;

    /**
     * Makes this run's Noise static key; each handshake's proof signs it together with the handshake hash.
     *
     * @param turns runs a later turn of answering INITs: on the event loop after its next look at the socket (a test
     *              driving one handshake at a time may run it at once)
     * @param loopClock the event loop's clock in nanoseconds (its ticker: a test's EmbeddedChannel may hold it still),
     *                  which sizes the turns ({@link AnswerTurn})
     */
    Handshakes(Identity identity, int realm, long bootId, SessionSettings settings, DropCounters drops,
            SecureRandom random, ProofCheck proofs, IndexTable indexes, Responders responders, PeerTable peers,
            Paths paths, Establishment establishment, Executor turns, LongSupplier loopClock) {
        this.turns = turns;
        this.turn = new AnswerTurn(loopClock);
        this.identity = identity;
        this.realm = realm;
        this.bootId = bootId;
        this.noiseStatic = X25519KeyPair.generate(random);
        this.settings = settings;
        this.drops = drops;
        this.directGuard = new HandshakeGuard(settings, random, System.nanoTime());
        this.relayedGuard = new HandshakeGuard(settings, random, System.nanoTime());
        this.proofs = proofs;
        this.indexes = indexes;
        this.responders = responders;
        this.peers = peers;
        this.paths = paths;
        this.establishment = establishment;
        this.allocator = paths.allocator();
    }

    /** From now on no handshake starts: the node is closing. */
    void stop() {
        stopped = true;
        backlog.clear();
    }

    /**
     * A confirmation under keys this node initiated: the responder holds them too, and says which connection they
     * carry. A number below the one this node stated, or without room to grow, cannot come from a responder following
     * the protocol.
     */
    void onConfirmation(Keypair keypair, ByteBuffer plaintext, long now) {
        long number = ConnectionNumbers.get(plaintext.duplicate());
        if (number < keypair.statedNumber || number == 0 || !ConnectionNumbers.acceptable(number)) {
            drops.count(DropReason.HANDSHAKE_FAILED);
        } else if (!keypair.confirmed) {
            confirm(keypair.peer, keypair, number, now);
        }
    }

    /**
     * The responder has the keys: switch to them and bind them to the connection it named, making it if new. If
     * that connection has meanwhile closed on this side, start over for a new one.
     */
    private void confirm(Peer peer, Keypair keypair, long number, long now) {
        keypair.confirmed = true;
        keypair.pendingFinal = null;
        if (peer.next == keypair) {
            indexes.retire(peer.previous);
            peer.previous = peer.current;
            peer.current = keypair;
            peer.next = null;
        }
        if (!establishment.established(peer, keypair, number, now)) {
            // With the first initiation's start, so a responder that keeps naming a closed connection cannot hold the
            // waiters past the connect timeout.
            initiate(peer, now, keypair.initiationStartedNanos);
        }
    }

    /**
     * As responder: judges an INIT, unless it came through the relay while relaying is off. A repeat of one answered
     * gets its RESPONSE again, a repeat of one waiting nothing; otherwise its guard (one for direct initiations, one
     * for relayed ones) asks for a cookie, refuses it, or lets it join the {@link InitBacklog}, whose INITs are
     * answered a few at a time between the loop's reads ({@link #answerTurn}); a full backlog refuses it.
     */
    void onInit(HandshakeInit init, Route from, long now) {
        if (stopped) {
            return; // closing: nothing will answer it
        }
        if (from.isRelayed() && !paths.relayAllowed()) {
            drops.count(DropReason.NOT_ALLOWED);
            return;
        }
        Responder existing = responders.get(from, init.senderIndex());
        if (existing != null) {
            paths.send(new HandshakeResponse(existing.localIndex, existing.remoteIndex, existing.response).encode(allocator), from);
            return;
        }
        if (backlog.holds(from, init.senderIndex())) {
            return;
        }
        // A RELAYED datagram is believed to come from the relay by its UDP source alone, which an off-path
        // sender can forge: relayed initiations get a guard of their own, keyed by the claimed node, whose
        // cookies go back through the relay to that node.
        HandshakeGuard guard = from.isRelayed() ? relayedGuard : directGuard;
        boolean loaded = responders.crowded(from, backlog.waitingFor(from)) || backlog.crowded();
        switch (guard.admit(from, init.cookie(), init.hasCookie(), loaded, now)) {
            case DROP -> {
                drops.count(guard.lastDrop());
                return;
            }
            case SEND_COOKIE -> {
                drops.count(DropReason.COOKIE_REQUIRED);
                paths.send(new CookieReply(init.senderIndex(), guard.cookieFor(from, now)).encode(allocator), from);
                return;
            }
            case PROCEED -> {
            }
        }
        if (!backlog.offer(init, from, now)) {
            drops.count(DropReason.INIT_BACKLOG_FULL);
            return;
        }
        if (backlog.size() == 1) {
            turn.firstWaiting();
        }
        scheduleTurn();
    }

    /**
     * Answers the oldest INITs waiting, as many as the {@link AnswerTurn} allows (a few; while the backlog is crowded,
     * as long as the loop spent on everything else since the last turn), and schedules the next turn while any are
     * left. A turn runs as a task scheduled by the first INIT to wait: after the read batches of the loop's look at
     * its sockets (the UDP socket and any WebSocket bearers alike), never inside one, so each look answers one turn.
     * A stopped node has none waiting ({@link #stop} empties the backlog, {@link #onInit} takes no more).
     */
    private void answerTurn() {
        turnScheduled = false;
        turn.begin(backlog.crowded());
        while (!backlog.isEmpty() && turn.another()) {
            InitBacklog.Waiting next = backlog.poll();
            answer(next.init(), next.from(), next.arrivedNanos());
        }
        turn.end();
        if (!backlog.isEmpty()) {
            scheduleTurn();
        }
    }

    private void scheduleTurn() {
        if (!turnScheduled) {
            turnScheduled = true;
            turns.execute(this::answerTurn);
        }
    }

    /** INITs waiting for their answer ({@link InitBacklog}). */
    int initsWaiting() {
        return backlog.size();
    }

    /**
     * The responder's work on an INIT its guard let through: the second handshake message, and a half-open entry
     * for the FINAL to find. A full table of half-open handshakes gives up its oldest entry in the INIT's lane
     * ({@link Responders}).
     */
    private void answer(HandshakeInit init, Route from, long now) {
        HandshakeState noise = new HandshakeState(false, WireFormat.PROLOGUE, noiseStatic);
        byte[] response;
        try {
            noise.readMessage(init.noiseMessage());
            // The responder does not know who the initiator is yet (XX hides it until the third message):
            // the connection is agreed in the confirmation instead.
            response = noise.writeMessage(hash -> payload(hash, false, 0));
        } catch (NoiseException e) {
            drops.count(DropReason.HANDSHAKE_FAILED);
            return;
        }
        int localIndex = indexes.allocate();
        Responder responder = new Responder(localIndex, init.senderIndex(), from, noise, response, now);
        if (responders.add(responder, now)) {
            drops.count(DropReason.HANDSHAKE_TABLE_FULL);
        }
        paths.send(new HandshakeResponse(localIndex, init.senderIndex(), response).encode(allocator), from);
    }

    /** As initiator: the RESPONSE proves who answered; if acceptable, install the keys and send the FINAL. */
    void onResponse(HandshakeResponse response, Route from, long now) {
        if (!(indexes.get(response.receiverIndex()) instanceof Initiation initiation)) {
            drops.count(DropReason.UNKNOWN_SESSION);
            return;
        }
        Peer peer = initiation.peer;
        byte[] payload;
        byte[] fin;
        try {
            // A RESPONSE that fails Noise (a blind forgery at the index the INIT showed in clear, or a corrupted
            // datagram) leaves the initiation as it was, still waiting for the genuine one already on its way. One
            // that passes Noise under another static key is the proof check's to refuse, below.
            payload = initiation.noise.readMessageOrStay(response.noiseMessage());
        } catch (NoiseException e) {
            drops.count(DropReason.HANDSHAKE_FAILED);
            return;
        }
        IdentityProof remote;
        try {
            remote = proofs.check(payload, initiation.noise.remoteStaticPublicKey(), initiation.noise.hashBeforePayload(),
                    peer).proof();
        } catch (ProofCheck.Refused e) {
            if (!from.isRelayed() && peer.handshakeTargets().size() > 1) {
                // One of several candidate endpoints is someone else (a private address reused on this network,
                // or this very node): forget it and keep trying the others.
                log.debug("{} answered for {} with another key; dropping that endpoint", from, peer.address);
                paths.forgetCandidate(peer, from.direct());
                indexes.remove(initiation.localIndex);
                peer.initiation = null;
                initiate(peer, now, initiation.startedNanos);
                return;
            }
            abandon(peer, new SessionException("handshake with " + (peer.address == null ? peer.endpoint
                    : peer.address) + " refused: " + e.getMessage()));
            return;
        }
        indexes.remove(initiation.localIndex);
        peer.initiation = null;
        if (peer.address == null) {
            peer = identify(peer, remote.nodeKey());
            if (peer == null) {
                return;
            }
        }
        boolean fresh = Establishment.needsFreshConnection(peer, remote);
        long stated = establishment.statedNumber(peer);
        try {
            fin = initiation.noise.writeMessage(hash -> payload(hash, fresh, stated));
        } catch (NoiseException e) {
            drops.count(DropReason.HANDSHAKE_FAILED);
            initiate(peer, now, initiation.startedNanos);
            return;
        }
        if (from.isRelayed() && !from.relayed().equals(peer.address)) {
            drops.count(DropReason.UNEXPECTED_KEY);
            abandon(peer, new SessionException("the relay delivered an answer from " + peer.address
                    + " as coming from " + from.relayed()));
            return;
        }
        SplitKeys keys = initiation.noise.split();
        peer.key = remote.nodeKey();
        paths.takeRoute(peer, from, initiation, now);
        peer.lastReceivedNanos = now;
        Keypair keypair = new Keypair(initiation.localIndex, response.senderIndex(), true, now, peer,
                keys.initiatorToResponder(), keys.responderToInitiator());
        keypair.remoteBootId = remote.bootId();
        keypair.statedNumber = stated;
        keypair.initiationStartedNanos = initiation.startedNanos;
        keypair.pendingFinal = fin;
        keypair.finalRetransmitIntervalNanos = settings.handshakeRetransmit().toNanos();
        keypair.nextFinalRetransmitNanos = now + keypair.finalRetransmitIntervalNanos;
        indexes.put(keypair.localIndex, keypair);
        if (peer.current != null && peer.current.usable(now, settings)) {
            indexes.retire(peer.next);
            peer.next = keypair;
        } else {
            indexes.retire(peer.previous);
            peer.previous = peer.current;
            peer.current = keypair;
        }
        sendFinal(peer, keypair);
    }

    /**
     * A peer contacted by endpoint alone has proven its key: file it under its address, merging into the
     * peer already known there (whose pinned key must match). Returns null if refused.
     */
    private Peer identify(Peer provisional, NodeKey key) {
        peers.removeProvisional(provisional);
        PilotAddress address = key.address(realm);
        Peer known = peers.get(address);
        if (known == null) {
            provisional.address = address;
            peers.add(provisional);
            paths.setEndpoint(provisional, provisional.endpoint);
            return provisional;
        }
        if (known.key != null && !known.key.equals(key)) {
            drops.count(DropReason.UNEXPECTED_KEY);
            abandon(provisional, new SessionException(address + " is pinned to another key than "
                    + provisional.endpoint + " presented"));
            return null;
        }
        known.waiters.addAll(provisional.waiters);
        provisional.waiters.clear();
        return known;
    }

    /** As responder: the FINAL proves who initiated; if acceptable, install the keys, confirm them, establish. */
    void onFinal(HandshakeFinal fin, Route from, long now) {
        Object state = indexes.get(fin.receiverIndex());
        if (state instanceof Keypair keypair && !keypair.initiator) {
            onRepeatedFinal(keypair, fin, now);
            return;
        }
        if (!(state instanceof Responder responder)) {
            drops.count(DropReason.UNKNOWN_SESSION);
            return;
        }
        byte[] payload;
        try {
            // A FINAL that fails Noise leaves the half-open handshake as it was: the responder's index is in the
            // RESPONSE in clear, so anyone who saw it could otherwise end the handshake with one forged datagram.
            payload = responder.noise.readMessageOrStay(fin.noiseMessage());
        } catch (NoiseException e) {
            drops.count(DropReason.HANDSHAKE_FAILED);
            return;
        }
        responders.remove(responder);
        byte[] remoteStatic = responder.noise.remoteStaticPublicKey();
        HandshakePayload remotePayload;
        try {
            remotePayload = proofs.check(payload, remoteStatic, responder.noise.hashBeforePayload(), null);
        } catch (ProofCheck.Refused e) {
            return;
        }
        IdentityProof remote = remotePayload.proof();
        PilotAddress address = remote.nodeKey().address(realm);
        if (from.isRelayed() && !from.relayed().equals(address)) {
            drops.count(DropReason.UNEXPECTED_KEY);
            return;
        }
        Peer peer = peers.get(address);
        if (peer == null) {
            peer = new Peer(address, remote.nodeKey(), null);
            peers.add(peer);
        } else if (peer.key != null && !peer.key.equals(remote.nodeKey())) {
            drops.count(DropReason.UNEXPECTED_KEY);
            return;
        }
        peer.key = remote.nodeKey();
        paths.takeRoute(peer, from, null, now);
        SplitKeys keys = responder.noise.split();
        Keypair keypair = new Keypair(responder.localIndex, responder.remoteIndex, false, now, peer,
                keys.responderToInitiator(), keys.initiatorToResponder());
        keypair.remoteBootId = remote.bootId();
        keypair.connectionNumber = establishment.decide(peer, remote, remotePayload.freshConnection(),
                remotePayload.connectionNumber());
        keypair.acceptedFinal = fin.noiseMessage();
        indexes.put(keypair.localIndex, keypair);
        indexes.retire(peer.previous);
        peer.previous = peer.current;
        peer.current = keypair;
        peer.lastReceivedNanos = now;
        sendConfirmation(keypair, now);
        establishment.established(peer, keypair, keypair.connectionNumber, now);
    }

    /**
     * A FINAL for keys this node already holds as responder: the initiator repeats it because the confirmation
     * was lost, so confirm again. The index travels in clear in every DATA, so anyone may aim a FINAL at it:
     * only the very message that made the keys is answered, and no more than once per half retransmission
     * interval (the initiator repeats it no faster than once per interval), so a replayed one cannot make this
     * node send a stream of confirmations either.
     */
    private void onRepeatedFinal(Keypair keypair, HandshakeFinal fin, long now) {
        if (!Arrays.equals(keypair.acceptedFinal, fin.noiseMessage())) {
            drops.count(DropReason.HANDSHAKE_FAILED);
        } else if (now - keypair.lastConfirmationNanos < settings.handshakeRetransmit().toNanos() / 2) {
            drops.count(DropReason.RATE_LIMITED);
        } else {
            sendConfirmation(keypair, now);
        }
    }

    /**
     * As initiator of a handshake a busy responder wants a cookie for: repeat the INIT carrying it, the way
     * the reply came (a cookie asked through the relay is for the INITs sent through the relay).
     */
    void onCookie(CookieReply reply, Route from, long now) {
        if (!(indexes.get(reply.receiverIndex()) instanceof Initiation initiation)) {
            drops.count(DropReason.UNKNOWN_SESSION);
            return;
        }
        Peer peer = initiation.peer;
        if (from.isRelayed()) {
            if (Arrays.equals(initiation.relayCookie, reply.cookie()) || !from.relayed().equals(peer.address)) {
                return; // repeated, or not from the node this handshake is for
            }
            if (!initiation.mayResendForCookie(now, true)) {
                drops.count(DropReason.RATE_LIMITED);
                return;
            }
            initiation.relayCookie = reply.cookie();
            paths.send(initiation.relayedMessage().encode(allocator), from);
            return;
        }
        if (Arrays.equals(initiation.message.cookie(), reply.cookie())) {
            return; // already answered with this cookie: a repeated reply must not make us repeat 1200 bytes
        }
        // A cookie reply is not authenticated (§10, gap 3), so forged ones must not make this node send INITs at will:
        // its INIT goes again at most once per interval, never to where the reply came from unless that is a handshake
        // target, and then to that one alone (the cookie is bound to this node's address as that endpoint sees it).
        // From elsewhere (a responder on a wildcard address answering from one it did not publish) it goes to every
        // target, as retransmissions do.
        if (!initiation.mayResendForCookie(now, false)) {
            drops.count(DropReason.RATE_LIMITED);
            return;
        }
        initiation.message = initiation.message.withCookie(reply.cookie());
        if (peer.handshakeTargets().contains(from.direct())) {
            paths.send(initiation.message.encode(allocator), from.direct());
        } else {
            sendToAll(initiation.message, peer);
        }
    }

    /**
     * This node's handshake payload for the message being written: a proof signed over this run's static key
     * and the handshake hash {@code hash} at that point (one Ed25519 signature per message), and its flags.
     */
    private byte[] payload(byte[] hash, boolean fresh, long connectionNumber) {
        return HandshakePayload.encode(IdentityProof.create(identity, realm, bootId, noiseStatic.publicKey(), hash).encode(),
                fresh, connectionNumber);
    }

    /** Sends the initiator's FINAL for keys not yet confirmed (again, when the confirmation is late). */
    void sendFinal(Peer peer, Keypair keypair) {
        paths.send(new HandshakeFinal(keypair.remoteIndex, keypair.pendingFinal).encode(allocator), peer.route());
    }

    /**
     * The responder's six-byte DATA packet: proves to the initiator that the responder has the new keys, and
     * names the connection they carry (the same number every time it is repeated).
     */
    private void sendConfirmation(Keypair keypair, long now) {
        confirmation.clear();
        ConnectionNumbers.put(confirmation, keypair.connectionNumber);
        confirmation.flip();
        paths.sendSealed(keypair, confirmation, keypair.peer.route());
        keypair.lastConfirmationNanos = now;
        keypair.peer.lastSentNanos = now;
    }

    /**
     * Starts a handshake with {@code peer}, unless one is under way, keys await their confirmation, there
     * is nowhere to send it, or the node is closing.
     */
    void initiate(Peer peer, long now) {
        initiate(peer, now, now);
    }

    private void initiate(Peer peer, long now, long startedNanos) {
        boolean viaRelay = paths.handshakeViaRelay(peer);
        if (peer.initiation != null || awaitingConfirmation(peer) || peer.handshakeTargets().isEmpty() && !viaRelay || stopped) {
            return;
        }
        HandshakeState noise = new HandshakeState(true, WireFormat.PROLOGUE, noiseStatic);
        byte[] first;
        try {
            first = noise.writeMessage(new byte[0]);
        } catch (NoiseException e) {
            throw new IllegalStateException("cannot write a first handshake message", e);
        }
        int index = indexes.allocate();
        HandshakeInit init = new HandshakeInit(index, first, new byte[WireFormat.COOKIE_LENGTH]);
        peer.initiation = new Initiation(peer, index, noise, init, startedNanos, now, settings.handshakeRetransmit().toNanos());
        indexes.put(index, peer.initiation);
        sendToAll(init, peer);
        if (viaRelay) {
            paths.send(init.encode(allocator), Route.relayed(peer.address));
        }
    }

    private void sendToAll(HandshakeInit init, Peer peer) {
        for (InetSocketAddress target : peer.handshakeTargets()) {
            paths.send(init.encode(allocator), target);
        }
    }

    private static boolean awaitingConfirmation(Peer peer) {
        return peer.current != null && !peer.current.confirmed || peer.next != null && !peer.next.confirmed;
    }

    /** Fails whoever waits for {@code peer}'s session with {@code cause}, dropping any initiation in flight. */
    void abandon(Peer peer, Throwable cause) {
        if (peer.initiation != null) {
            indexes.remove(peer.initiation.localIndex);
            peer.initiation = null;
        }
        List<BiConsumer<Peer, Throwable>> waiting = new ArrayList<>(peer.waiters);
        peer.waiters.clear();
        waiting.forEach(w -> w.accept(peer, cause));
    }

    /**
     * Repeats an unanswered INIT to every endpoint, and through the relay once direct endpoints have had
     * their time.
     */
    void resendInitiation(Peer peer, long now) {
        Initiation initiation = peer.initiation;
        sendToAll(initiation.message, peer);
        if (paths.relayFallback(peer, initiation, now)) {
            paths.send(initiation.relayedMessage().encode(allocator), Route.relayed(peer.address));
        }
    }

    /** Half-open responder handshakes and INITs waiting to become one, for tests of memory bounds and the stats. */
    int pending() {
        return responders.size() + backlog.size();
    }
}
