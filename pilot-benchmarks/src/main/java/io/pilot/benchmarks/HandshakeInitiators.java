package io.pilot.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.transport.TransportConfig;
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
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Fresh initiators of section 3, each a brand-new peer (its own Ed25519 identity, Noise static key and UDP socket)
 * that runs the whole initiator side of the handshake against one responder ({@link InitiatorHandshake}, on the
 * engine's own parts), all on one thread: INIT, the RESPONSE read and the responder's identity proof verified against
 * the key it was asked to reach (as a node's {@code ProofCheck} does for the peer it connects to: signature, realm,
 * key), the FINAL with its own signed proof, and the responder's confirmation opened with the new keys. INIT and FINAL
 * are repeated every {@link #RETRANSMIT_NANOS} until answered, as a node's key timers do.
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

    private final InetSocketAddress responder;
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
        this.initiators = new ArrayList<>(count);
        try {
            this.selector = Selector.open();
            for (int i = 0; i < count; i++) {
                DatagramChannel channel = DatagramChannel.open();
                channel.bind(new InetSocketAddress(responder.getAddress(), 0));
                channel.configureBlocking(false);
                Initiator initiator = new Initiator(channel,
                        InitiatorHandshake.toNode(responderKey, Identity.generate(random), realm, random));
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

    /** One fresh peer running the initiator side of one handshake ({@link InitiatorHandshake}) on its own socket. */
    private final class Initiator {

        final DatagramChannel channel;
        private final InitiatorHandshake handshake;
        private byte[] init;
        private byte[] fin;
        private InitiatorKeys keys;
        private long sentNanos;
        long startedNanos;
        long confirmedNanos;
        boolean failed;

        Initiator(DatagramChannel channel, InitiatorHandshake handshake) {
            this.channel = channel;
            this.handshake = handshake;
        }

        void start(long now) {
            startedNanos = now;
            init = handshake.start();
            send(ByteBuffer.wrap(init), now);
        }

        /** Repeats the INIT or the FINAL that waited too long for its answer. */
        void retransmit(long now) {
            if (now - sentNanos < RETRANSMIT_NANOS) {
                return;
            }
            send(ByteBuffer.wrap(fin != null ? fin : init), now);
        }

        void receive(ByteBuf datagram, long now) {
            WirePacket packet = WireCodec.decode(datagram).packet();
            if (packet instanceof HandshakeResponse response && handshake.answeredBy(response)) {
                onResponse(response, now);
            } else if (packet instanceof DataPacket data) {
                try {
                    if (keys != null && confirmedNanos == 0 && InitiatorKeys.isConfirmation(keys.open(data))) {
                        confirmedNanos = now;
                    }
                } finally {
                    data.release();
                }
            }
        }

        /**
         * Completes the handshake if the responder proves to be the node this initiator set out to reach (its proof
         * signed, for this handshake and its static key, by that node key, in its realm), then sends the FINAL.
         */
        private void onResponse(HandshakeResponse response, long now) {
            InitiatorHandshake.Answer answer;
            try {
                answer = handshake.finish(response, true, 0); // each initiator handshakes once: no connection before
            } catch (InitiatorHandshake.Refused refused) {
                failed = true;
                return;
            }
            keys = answer.keys();
            fin = answer.finalDatagram();
            send(ByteBuffer.wrap(fin), now);
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
            send(keys.seal(packet.flip()), now);
        }

        private void send(ByteBuffer datagram, long now) {
            try {
                channel.send(datagram, responder);
            } catch (IOException e) {
                failed = true;
            }
            sentNanos = now;
        }
    }
}
