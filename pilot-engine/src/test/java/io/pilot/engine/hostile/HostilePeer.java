package io.pilot.engine.hostile;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.crypto.PacketCipher;
import io.pilot.engine.crypto.X25519KeyPair;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.noise.HandshakeState;
import io.pilot.engine.noise.NoiseException;
import io.pilot.engine.noise.SplitKeys;
import io.pilot.engine.session.IdentityProof;
import io.pilot.engine.wire.WireFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attacker's side of a session, written from docs/PROTOCOL.md rather than from the engine's session
 * layer: it completes a real Noise XX handshake over UDP on loopback with a victim {@link PilotNode} (§4.4),
 * then seals DATA packets (§4.7) carrying any packet number and any raw transport frame bytes (§5.1, §5.2).
 * Only the engine's primitives are borrowed (Noise, AES-GCM, the identity proof); framing, flow and state
 * are this class's own, so it can send what the engine's transport never would.
 *
 * <p>Not thread-safe; one test thread drives it.
 */
final class HostilePeer implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int FRESH_CONNECTION = 1;
    /** The connection number in a handshake payload and in a confirmation (PROTOCOL.md §4.2, §4.12): u48. */
    private static final int CONNECTION_NUMBER_LENGTH = 6;
    private static final int RECEIVE_TIMEOUT_MILLIS = 5000;

    private final DatagramSocket socket;
    private final InetSocketAddress victim;
    private final Identity identity;
    private final int realm;
    private final boolean evenStreamIds;
    private int localIndex;
    private int remoteIndex;
    private PacketCipher sendCipher;
    private PacketCipher receiveCipher;

    private HostilePeer(PilotNode victim, int realm) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.socket.setSoTimeout(RECEIVE_TIMEOUT_MILLIS);
        this.victim = victim.localEndpoint();
        this.identity = Identity.generate(RANDOM);
        this.realm = realm;
        // §4.12: the node with the unsigned-lexicographically smaller Ed25519 key opens even stream ids.
        this.evenStreamIds = Arrays.compareUnsigned(identity.publicKey().toBytes(), victim.publicKey().toBytes()) < 0;
    }

    /** Shakes hands with {@code victim} (realm 0) and returns once the victim confirmed a fresh connection. */
    static HostilePeer connect(PilotNode victim) throws IOException {
        HostilePeer peer = new HostilePeer(victim, 0);
        peer.handshake();
        return peer;
    }

    PilotAddress address() {
        return identity.publicKey().address(realm);
    }

    /** The victim's index for this session: the receiver index of every DATA sent to it, in clear on the wire. */
    int victimIndex() {
        return remoteIndex;
    }

    /** The {@code n}th stream id (from 0) of this side's parity. */
    int streamId(int n) {
        return 2 * n + (evenStreamIds ? 0 : 1);
    }

    // ------------------------------------------------------------------ handshake (§3.2–3.5, §4.4)

    private void handshake() throws IOException {
        X25519KeyPair noiseStatic = X25519KeyPair.generate(RANDOM);
        HandshakeState noise = new HandshakeState(true, WireFormat.PROLOGUE, noiseStatic);
        localIndex = RANDOM.nextInt() | 1;
        try {
            byte[] ephemeral = noise.writeMessage(new byte[0]);
            ByteBuffer init = ByteBuffer.allocate(WireFormat.HANDSHAKE_INIT_LENGTH);
            init.put(header(WireFormat.TYPE_HANDSHAKE_INIT)).putInt(localIndex).put(ephemeral); // zero cookie, padding
            send(init.array());

            ByteBuffer response = receiveType(WireFormat.TYPE_HANDSHAKE_RESPONSE);
            remoteIndex = response.getInt(4);
            if (response.getInt(8) != localIndex) {
                throw new IOException("RESPONSE for another index");
            }
            noise.readMessage(Arrays.copyOfRange(response.array(), 12, response.limit()));

            long bootId = RANDOM.nextLong();
            // The proof signs the handshake hash as it stands before the payload (protocol version 2).
            byte[] message3 = noise.writeMessage(hash -> {
                byte[] payload = Arrays.copyOf(
                        IdentityProof.create(identity, realm, bootId, noiseStatic.publicKey(), hash).encode(),
                        IdentityProof.LENGTH + 1 + CONNECTION_NUMBER_LENGTH); // stated connection number 0
                payload[IdentityProof.LENGTH] = FRESH_CONNECTION;
                return payload;
            });
            send(ByteBuffer.allocate(8 + message3.length).put(header(WireFormat.TYPE_HANDSHAKE_FINAL))
                    .putInt(remoteIndex).put(message3).array());
            SplitKeys keys = noise.split();
            sendCipher = new PacketCipher(keys.initiatorToResponder());
            receiveCipher = new PacketCipher(keys.responderToInitiator());
        } catch (NoiseException e) {
            throw new IOException("handshake failed", e);
        }
        byte[] confirmation = receivePlaintext();
        if (confirmation.length != CONNECTION_NUMBER_LENGTH) {
            throw new IOException("expected a " + CONNECTION_NUMBER_LENGTH + "-byte confirmation, got "
                    + confirmation.length + " bytes");
        }
    }

    // ------------------------------------------------------------------ DATA (§3.5, §4.7)

    /** Seals one transport packet: {@code packetNumber} (any 64 bits) followed by {@code frames} verbatim. */
    void sendPacket(long packetNumber, byte[] frames) throws IOException {
        ByteBuffer plaintext = ByteBuffer.allocate(8 + frames.length).putLong(packetNumber).put(frames).flip();
        long counter = sendCipher.nextCounter();
        ByteBuffer datagram = ByteBuffer.allocate(WireFormat.DATA_HEADER_LENGTH + plaintext.remaining()
                + WireFormat.TAG_LENGTH);
        datagram.put(header(WireFormat.TYPE_DATA)).putInt(remoteIndex).putLong(counter);
        ByteBuffer aad = datagram.duplicate().flip();
        sendCipher.seal(counter, aad, plaintext, datagram);
        send(datagram.array());
    }

    /**
     * The next transport packet the victim sends (packet number first), skipping confirmations and probes;
     * null if none comes within the receive timeout.
     */
    ByteBuffer receivePacket() throws IOException {
        return receivePacket(RECEIVE_TIMEOUT_MILLIS);
    }

    /** As {@link #receivePacket()}, waiting at most {@code timeoutMillis}. */
    ByteBuffer receivePacket(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        while (true) {
            byte[] plaintext;
            try {
                plaintext = receivePlaintext();
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (plaintext.length >= 8) {
                return ByteBuffer.wrap(plaintext);
            }
        }
    }

    private byte[] receivePlaintext() throws IOException {
        while (true) {
            ByteBuffer data = receiveType(WireFormat.TYPE_DATA);
            if (data.getInt(4) != localIndex) {
                continue;
            }
            long counter = data.getLong(8);
            ByteBuffer aad = ByteBuffer.wrap(data.array(), 0, WireFormat.DATA_HEADER_LENGTH);
            ByteBuffer ciphertext = ByteBuffer.wrap(data.array(), WireFormat.DATA_HEADER_LENGTH,
                    data.limit() - WireFormat.DATA_HEADER_LENGTH);
            ByteBuffer out = ByteBuffer.allocate(Math.max(0, ciphertext.remaining() - WireFormat.TAG_LENGTH));
            if (receiveCipher.open(counter, aad, ciphertext, out) < 0) {
                throw new IOException("victim's DATA did not authenticate");
            }
            return out.array();
        }
    }

    // ------------------------------------------------------------------ transport frames (§5.2)

    /** STREAM (0x08) or STREAM + FIN (0x09). */
    static byte[] stream(int streamId, int port, long offset, byte[] data, boolean fin) {
        return ByteBuffer.allocate(17 + data.length).put((byte) (fin ? 0x09 : 0x08)).putInt(streamId)
                .putShort((short) port).putLong(offset).putShort((short) data.length).put(data).array();
    }

    /** ACK (0x02) of the single range {@code [smallest, largest]}. */
    static byte[] ack(long largest, long smallest) {
        return ByteBuffer.allocate(18).put((byte) 0x02).putLong(largest).putInt(0).put((byte) 1)
                .putInt((int) (largest - smallest)).array();
    }

    /**
     * The data of the STREAM frames for {@code streamId} in a transport packet from the victim (packet number
     * first), in the order they come; null if it carries none.
     */
    static byte[] streamData(ByteBuffer packet, int streamId) {
        return streamDataById(packet).get(streamId);
    }

    /**
     * The data of every stream's STREAM frames in a transport packet from the victim (packet number first), by stream
     * id, each in the order it comes. Walks every frame of §5.2 to find them.
     */
    static Map<Integer, byte[]> streamDataById(ByteBuffer packet) {
        ByteBuffer in = packet.duplicate().position(8);
        Map<Integer, ByteArrayOutputStream> data = new LinkedHashMap<>();
        while (in.hasRemaining()) {
            int type = in.get() & 0xff;
            switch (type) {
                case 0x00, 0x01 -> { }
                case 0x02 -> {
                    in.position(in.position() + 12);
                    int ranges = in.get() & 0xff;
                    in.position(in.position() + 4 + 8 * (ranges - 1));
                }
                case 0x04 -> in.position(in.position() + 16);
                case 0x08, 0x09 -> {
                    int id = in.getInt();
                    in.position(in.position() + 10);
                    byte[] bytes = new byte[in.getShort() & 0xffff];
                    in.get(bytes);
                    data.computeIfAbsent(id, any -> new ByteArrayOutputStream()).writeBytes(bytes);
                }
                case 0x10 -> in.position(in.position() + 8);
                case 0x11 -> in.position(in.position() + 12);
                case 0x1c -> in.position(in.position() + 4 + (in.getShort(in.position() + 4) & 0xffff) + 2);
                case 0x30 -> in.position(in.position() + 2 + (in.getShort(in.position() + 2) & 0xffff) + 2);
                default -> throw new IllegalStateException("unknown frame type " + type + " from the victim");
            }
        }
        Map<Integer, byte[]> bytes = new LinkedHashMap<>();
        data.forEach((id, stream) -> bytes.put(id, stream.toByteArray()));
        return bytes;
    }

    static byte[] ping() {
        return new byte[] {0x01};
    }

    /**
     * The CLOSE frame (0x1c) of a transport packet from the victim, as "code: reason", or null if it carries
     * none. A CLOSE always travels alone, right after the packet number (§5.10).
     */
    static String closeIn(ByteBuffer packet) {
        if (packet.limit() < 8 + 7 || packet.get(8) != 0x1c) {
            return null;
        }
        ByteBuffer in = packet.duplicate().position(9);
        int code = in.getInt();
        byte[] reason = new byte[in.getShort() & 0xffff];
        in.get(reason);
        return code + ": " + new String(reason, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ UDP

    private static byte[] header(int type) {
        return new byte[] {(byte) type, (byte) WireFormat.VERSION, 0, 0};
    }

    private void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, victim));
    }

    private ByteBuffer receiveType(int type) throws IOException {
        byte[] buffer = new byte[2048];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            if (packet.getLength() >= 4 && buffer[0] == type) {
                return ByteBuffer.wrap(Arrays.copyOf(buffer, packet.getLength()));
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
