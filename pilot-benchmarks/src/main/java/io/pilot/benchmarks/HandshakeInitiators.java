package io.pilot.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.pilot.engine.crypto.PacketCipher;
import io.pilot.engine.crypto.X25519KeyPair;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.noise.HandshakeState;
import io.pilot.engine.noise.NoiseException;
import io.pilot.engine.noise.SplitKeys;
import io.pilot.engine.session.IdentityProof;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.DataPacket;
import io.pilot.engine.wire.HandshakeFinal;
import io.pilot.engine.wire.HandshakeInit;
import io.pilot.engine.wire.HandshakeResponse;
import io.pilot.engine.wire.WireCodec;
import io.pilot.engine.wire.WireFormat;
import io.pilot.engine.wire.WirePacket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fresh initiators of section 3, each a brand-new peer (its own Ed25519 identity, Noise static key and UDP socket)
 * that runs the whole initiator side of the handshake against one responder, on the engine's own parts and on one
 * thread: INIT, the RESPONSE read and the responder's identity proof verified against the key it was asked to reach
 * (as a node's {@code ProofCheck} does for the peer it connects to: signature, realm, key), the FINAL with its own
 * signed proof, and the responder's confirmation opened with the new keys. INIT and FINAL are repeated every
 * {@link #RETRANSMIT_NANOS} until answered, as a node's key timers do.
 *
 * <p>What a {@code PilotNode} adds around this (an event loop, a 50 ms timer tick, a peer table, a transport
 * connection opened after the handshake) is left out: 300 idle nodes ticking on two cores cost the process more CPU
 * than the handshakes they made (the reason the section moved off fresh nodes), and measuring the responder's
 * capacity needs initiators that leave it the CPU.
 *
 * <p>Identities, keys and sockets are made before the clock (as a node's start-up was); {@link #run} is timed.
 * {@link #close} says goodbye as a closing node does, a transport CLOSE under the new keys, so the responder does not
 * keep the batch's sessions and later re-handshake with ports nobody answers on. Not thread-safe: one thread drives
 * every initiator.
 */
final class HandshakeInitiators implements AutoCloseable {

    /** How long an INIT or FINAL waits for its answer before it is sent again (a node's default). */
    static final long RETRANSMIT_NANOS = 250_000_000L;
    private static final int FRESH_CONNECTION = 1;
    private static final int PAYLOAD_LENGTH = IdentityProof.LENGTH + 1;
    private static final ByteBufAllocator ALLOCATOR = Unpooled.buffer().alloc();

    private final InetSocketAddress responder;
    private final NodeKey responderKey;
    private final int realm;
    private final SecureRandom random;
    private final Selector selector;
    private final List<Initiator> initiators;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(WireFormat.MAX_DATAGRAM);

    /** What one run did: each completed handshake's time from its first INIT to its confirmation, and failures. */
    record Outcome(List<Long> latencies, int failures) {
    }

    /**
     * Makes {@code count} fresh initiators for the responder at {@code responder}, whose node key is
     * {@code responderKey} in {@code realm}.
     */
    HandshakeInitiators(int count, InetSocketAddress responder, NodeKey responderKey, int realm, SecureRandom random) {
        this.responder = responder;
        this.responderKey = responderKey;
        this.realm = realm;
        this.random = random;
        this.initiators = new ArrayList<>(count);
        try {
            this.selector = Selector.open();
            for (int i = 0; i < count; i++) {
                DatagramChannel channel = DatagramChannel.open();
                channel.bind(new InetSocketAddress(responder.getAddress(), 0));
                channel.configureBlocking(false);
                Initiator initiator = new Initiator(channel, Identity.generate(random), X25519KeyPair.generate(random),
                        random.nextLong());
                initiators.add(initiator);
                channel.register(selector, SelectionKey.OP_READ, initiator);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs every initiator's handshake once, at most {@code concurrency} at a time, until each is confirmed or has
     * waited {@code timeoutNanos}; returns when all are done.
     */
    Outcome run(int concurrency, long timeoutNanos) {
        List<Long> latencies = new ArrayList<>(initiators.size());
        int failures = 0;
        int next = 0;
        int inFlight = 0;
        List<Initiator> running = new ArrayList<>(concurrency);
        try {
            while (next < initiators.size() || inFlight > 0) {
                long now = System.nanoTime();
                while (inFlight < concurrency && next < initiators.size()) {
                    Initiator initiator = initiators.get(next++);
                    initiator.start(now);
                    running.add(initiator);
                    inFlight++;
                }
                selector.select(this::onReadable, 10);
                now = System.nanoTime();
                for (int i = running.size() - 1; i >= 0; i--) {
                    Initiator initiator = running.get(i);
                    if (initiator.confirmedNanos != 0) {
                        latencies.add(initiator.confirmedNanos - initiator.startedNanos);
                    } else if (initiator.failed || now - initiator.startedNanos > timeoutNanos) {
                        failures++;
                    } else {
                        initiator.retransmit(now);
                        continue;
                    }
                    running.remove(i);
                    inFlight--;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Outcome(latencies, failures);
    }

    private void onReadable(SelectionKey key) {
        Initiator initiator = (Initiator) key.attachment();
        try {
            while (true) {
                receiveBuffer.clear();
                if (initiator.channel.receive(receiveBuffer) == null) {
                    return;
                }
                receiveBuffer.flip();
                initiator.receive(Unpooled.wrappedBuffer(receiveBuffer), System.nanoTime());
            }
        } catch (IOException e) {
            initiator.failed = true;
        }
    }

    /** Ends every confirmed session with a transport CLOSE, then closes the sockets. */
    @Override
    public void close() {
        long now = System.nanoTime();
        for (Initiator initiator : initiators) {
            if (initiator.confirmedNanos != 0) {
                initiator.sayGoodbye(now);
            }
        }
        for (Initiator initiator : initiators) {
            try {
                initiator.channel.close();
            } catch (IOException ignored) {
                // closing: nothing left to do with it
            }
        }
        try {
            if (selector != null) {
                selector.close();
            }
        } catch (IOException ignored) {
            // closing
        }
    }

    /** One fresh peer's initiator side of one handshake. */
    private final class Initiator {

        final DatagramChannel channel;
        private final Identity identity;
        private final X25519KeyPair noiseStatic;
        private final long bootId;
        private HandshakeState noise;
        private int localIndex;
        private byte[] init;
        private byte[] fin;
        private PacketCipher receiveKeys;
        private PacketCipher sendKeys;
        private int remoteIndex;
        private long sentNanos;
        long startedNanos;
        long confirmedNanos;
        boolean failed;

        Initiator(DatagramChannel channel, Identity identity, X25519KeyPair noiseStatic, long bootId) {
            this.channel = channel;
            this.identity = identity;
            this.noiseStatic = noiseStatic;
            this.bootId = bootId;
        }

        void start(long now) {
            startedNanos = now;
            noise = new HandshakeState(true, WireFormat.PROLOGUE, noiseStatic);
            try {
                byte[] first = noise.writeMessage(new byte[0]);
                localIndex = random.nextInt();
                init = bytes(new HandshakeInit(localIndex, first, new byte[WireFormat.COOKIE_LENGTH]).encode(ALLOCATOR));
            } catch (NoiseException e) {
                throw new IllegalStateException("cannot write a first handshake message", e);
            }
            send(init, now);
        }

        /** Repeats the INIT or the FINAL that waited too long for its answer. */
        void retransmit(long now) {
            if (now - sentNanos < RETRANSMIT_NANOS) {
                return;
            }
            send(fin != null ? fin : init, now);
        }

        void receive(ByteBuf datagram, long now) {
            WirePacket packet = WireCodec.decode(datagram).packet();
            if (packet instanceof HandshakeResponse response && fin == null && response.receiverIndex() == localIndex) {
                onResponse(response, now);
            } else if (packet instanceof DataPacket data) {
                try {
                    if (receiveKeys != null && data.receiverIndex() == localIndex && confirmedNanos == 0 && opens(data)) {
                        confirmedNanos = now;
                    }
                } finally {
                    data.release();
                }
            }
        }

        /**
         * Reads the RESPONSE, accepts the responder only if its proof is signed, for this handshake and this static
         * key, by the node key this initiator set out to reach, in its realm; then sends the FINAL.
         */
        private void onResponse(HandshakeResponse response, long now) {
            try {
                byte[] payload = noise.readMessage(response.noiseMessage());
                if (payload.length != PAYLOAD_LENGTH) {
                    failed = true;
                    return;
                }
                IdentityProof proof = IdentityProof.decode(Arrays.copyOf(payload, IdentityProof.LENGTH))
                        .verify(noise.remoteStaticPublicKey(), noise.hashBeforePayload(), responderKey);
                if (proof == null || proof.realm() != realm || !proof.nodeKey().equals(responderKey)) {
                    failed = true;
                    return;
                }
                byte[] last = noise.writeMessage(hash -> payload(hash));
                SplitKeys keys = noise.split();
                receiveKeys = new PacketCipher(keys.responderToInitiator());
                sendKeys = new PacketCipher(keys.initiatorToResponder());
                remoteIndex = response.senderIndex();
                fin = bytes(new HandshakeFinal(remoteIndex, last).encode(ALLOCATOR));
            } catch (NoiseException | IllegalArgumentException e) {
                failed = true;
                return;
            }
            send(fin, now);
        }

        /** This initiator's proof, signed over its static key and the handshake hash, as a fresh connection's. */
        private byte[] payload(byte[] hash) {
            byte[] proof = IdentityProof.create(identity, realm, bootId, noiseStatic.publicKey(), hash).encode();
            byte[] payload = Arrays.copyOf(proof, PAYLOAD_LENGTH);
            payload[IdentityProof.LENGTH] = FRESH_CONNECTION;
            return payload;
        }

        /** Whether {@code data} is the responder's one-byte confirmation under the new keys. */
        private boolean opens(DataPacket data) {
            ByteBuf datagram = data.datagram();
            byte[] bytes = bytes(datagram.retainedDuplicate());
            ByteBuffer aad = ByteBuffer.wrap(bytes, 0, WireFormat.DATA_HEADER_LENGTH);
            ByteBuffer sealed = ByteBuffer.wrap(bytes, WireFormat.DATA_HEADER_LENGTH, bytes.length - WireFormat.DATA_HEADER_LENGTH);
            ByteBuffer plain = ByteBuffer.allocate(bytes.length);
            return receiveKeys.open(data.counter(), aad, sealed, plain) == 1;
        }

        /**
         * The transport CLOSE a node sends when it shuts down, in a DATA datagram under the new keys: the responder
         * ends the connection and forgets the peer in its own time. (Stream parity does not matter for a CLOSE.)
         */
        void sayGoodbye(long now) {
            Connection connection = new Connection(TransportConfig.defaults(), true, stream -> stream.reset(0), now);
            connection.close(0, "benchmark initiator done");
            ByteBuffer packet = ByteBuffer.allocate(WireFormat.MAX_DATA_PLAINTEXT);
            int length = connection.poll(now, packet);
            if (length <= 0) {
                return;
            }
            packet.flip();
            long counter = sendKeys.nextCounter();
            ByteBuffer datagram = ByteBuffer.allocate(WireFormat.DATA_HEADER_LENGTH + length + WireFormat.TAG_LENGTH);
            datagram.put((byte) WireFormat.TYPE_DATA).put((byte) WireFormat.VERSION).putShort((short) 0)
                    .putInt(remoteIndex).putLong(counter);
            ByteBuffer aad = datagram.duplicate().flip();
            sendKeys.seal(counter, aad, packet, datagram);
            send(Arrays.copyOf(datagram.array(), datagram.position()), now);
        }

        private void send(byte[] datagram, long now) {
            try {
                channel.send(ByteBuffer.wrap(datagram), responder);
            } catch (IOException e) {
                failed = true;
            }
            sentNanos = now;
        }
    }

    /** The readable bytes of {@code buffer}, which is released. */
    private static byte[] bytes(ByteBuf buffer) {
        try {
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            return bytes;
        } finally {
            buffer.release();
        }
    }
}
