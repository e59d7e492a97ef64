package io.pilot.engine.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.codec.BinaryWriter;
import io.pilot.engine.directory.CapabilityInfo;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryProtocol;
import io.pilot.engine.directory.Endpoint;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.directory.SignedRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.IdentityStore;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.FrameKind;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageFrame;
import io.pilot.engine.message.MessageFrameEncoder;
import io.pilot.engine.store.JournaledStore;
import io.pilot.engine.store.StoreOptions;
import io.pilot.engine.stun.StunErrorCode;
import io.pilot.engine.stun.StunMessage;
import io.pilot.engine.transport.Connection;
import io.pilot.engine.transport.ConnectionHandler;
import io.pilot.engine.transport.Stream;
import io.pilot.engine.transport.TransportConfig;
import io.pilot.engine.wire.CookieReply;
import io.pilot.engine.wire.HandshakeFinal;
import io.pilot.engine.wire.HandshakeInit;
import io.pilot.engine.wire.HandshakeResponse;
import io.pilot.engine.wire.RelayPacket;
import io.pilot.engine.wire.WireFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes the committed seed corpora: real values from the encoders (datagrams, transport packets, message
 * frames, signed records, directory requests and replies, STUN messages, control requests, identity,
 * journal and snapshot files), one file per seed named by its SHA-1 as libFuzzer names corpus entries, in
 * Jazzer's layout {@code <resources>/<package>/<Class>Inputs/<method>/}. Deterministic (fixed keys, times
 * and transaction ids), so regenerating after an encoder change shows up as a diff.
 *
 * <p>Run by {@code bin/fuzz --write-seeds}; {@code SeedCorpusTests} checks every target has its seeds.
 */
public final class SeedCorpus {

    /** Every target, as {@code Class#method}, with the seeds this class writes for it. */
    static Map<String, List<byte[]>> seeds() throws IOException {
        Map<String, List<byte[]>> seeds = new LinkedHashMap<>();
        seeds.put("io.pilot.engine.fuzz.WireDatagramFuzzTests#datagram", datagrams());
        seeds.put("io.pilot.engine.fuzz.TransportPacketFuzzTests#packets", transportPackets());
        seeds.put("io.pilot.engine.fuzz.MessageFrameFuzzTests#frame", messageFrames());
        seeds.put("io.pilot.engine.fuzz.SignedRecordFuzzTests#record", List.of(signedRecord(7).toBytes(),
                signedRecord(8).toBytes()));
        seeds.put("io.pilot.engine.fuzz.DirectoryRequestFuzzTests#request", directoryRequests());
        seeds.put("io.pilot.engine.fuzz.DirectoryRequestFuzzTests#reply", directoryReplies());
        seeds.put("io.pilot.engine.stun.StunFuzzTests#datagram", stunMessages());
        seeds.put("io.pilot.engine.fuzz.ControlRequestFuzzTests#requestLine", controlRequests());
        seeds.put("io.pilot.engine.fuzz.IdentityFileFuzzTests#identityFile", List.of(identityFile()));
        StoreFiles store = storeFiles();
        seeds.put("io.pilot.engine.fuzz.StoreFileFuzzTests#journal", List.of(store.journal()));
        seeds.put("io.pilot.engine.fuzz.StoreFileFuzzTests#snapshot", List.of(store.snapshot()));
        seeds.put("io.pilot.engine.fuzz.StoreFileFuzzTests#journalResealed", List.of(store.journal()));
        seeds.put("io.pilot.engine.fuzz.StoreFileFuzzTests#snapshotResealed", List.of(store.snapshot()));
        return seeds;
    }

    /** The seeds' directory for a target under a resources root. */
    static Path inputsDirectory(Path resources, String target) {
        String className = target.substring(0, target.indexOf('#'));
        String method = target.substring(target.indexOf('#') + 1);
        return resources.resolve(className.replace('.', '/') + "Inputs").resolve(method);
    }

    /** Writes every seed under {@code args[0]} (default {@code pilot-engine/src/test/resources}). */
    public static void main(String[] args) throws IOException {
        Path resources = Path.of(args.length > 0 ? args[0] : "pilot-engine/src/test/resources");
        for (Map.Entry<String, List<byte[]>> target : seeds().entrySet()) {
            Path directory = inputsDirectory(resources, target.getKey());
            Files.createDirectories(directory);
            for (byte[] seed : target.getValue()) {
                Files.write(directory.resolve(sha1(seed)), seed);
            }
            System.out.println(target.getValue().size() + " seeds in " + directory);
        }
    }

    /** 32 fixed bytes: the seed of a fixed identity. */
    static byte[] seedBytes(int n) {
        byte[] seed = new byte[Identity.SEED_LENGTH];
        seed[0] = (byte) n;
        return seed;
    }

    // ------------------------------------------------------------------ datagrams

    private static List<byte[]> datagrams() {
        List<byte[]> seeds = new ArrayList<>();
        byte[] noise = filled(HandshakeInit.NOISE_LENGTH, 0x11);
        seeds.add(bytes(new HandshakeInit(0x01020304, noise, new byte[WireFormat.COOKIE_LENGTH])
                .encode(UnpooledByteBufAllocator.DEFAULT)));
        seeds.add(bytes(new HandshakeInit(0x01020304, noise, filled(WireFormat.COOKIE_LENGTH, 0x22))
                .encode(UnpooledByteBufAllocator.DEFAULT)));
        seeds.add(bytes(new HandshakeResponse(5, 6, filled(HandshakeResponse.MIN_NOISE_LENGTH + 40, 0x33))
                .encode(UnpooledByteBufAllocator.DEFAULT)));
        seeds.add(bytes(new HandshakeFinal(6, filled(HandshakeFinal.MIN_NOISE_LENGTH + 40, 0x44))
                .encode(UnpooledByteBufAllocator.DEFAULT)));
        seeds.add(bytes(new CookieReply(7, filled(WireFormat.COOKIE_LENGTH, 0x55)).encode(UnpooledByteBufAllocator.DEFAULT)));
        byte[] data = dataPacket();
        seeds.add(data);
        PilotAddress target = new PilotAddress(1, 0x0000_1234_5678_9abcL);
        seeds.add(bytes(RelayPacket.wrap(UnpooledByteBufAllocator.DEFAULT, WireFormat.TYPE_RELAY, target,
                Unpooled.wrappedBuffer(data))));
        seeds.add(bytes(RelayPacket.wrap(UnpooledByteBufAllocator.DEFAULT, WireFormat.TYPE_RELAYED, target,
                Unpooled.wrappedBuffer(data))));
        return seeds;
    }

    /** A DATA datagram as sealed: header, receiver index, counter, then ciphertext and tag (here filler). */
    private static byte[] dataPacket() {
        ByteBuffer out = ByteBuffer.allocate(WireFormat.DATA_HEADER_LENGTH + 40 + WireFormat.TAG_LENGTH);
        out.put((byte) WireFormat.TYPE_DATA).put((byte) WireFormat.VERSION).putShort((short) 0).putInt(6).putLong(42);
        while (out.hasRemaining()) {
            out.put((byte) 0x66);
        }
        return out.array();
    }

    // ------------------------------------------------------------------ transport packets

    /**
     * Packets one connection sends another over a short exchange (a stream with data and FIN, a datagram,
     * credit updates, ACKs, a close), as the fuzz target reads them: {@code length u16 | payload} each.
     */
    private static List<byte[]> transportPackets() {
        TransportConfig config = TransportConfig.defaults();
        long now = 1_000_000_000L;
        ConnectionHandler quiet = new ConnectionHandler() {
            @Override
            public void onStreamOpened(Stream stream) {
                stream.setHandler((s, data) -> data.position(data.limit()));
            }
        };
        Connection sender = new Connection(config, true, quiet, now);
        Connection receiver = new Connection(config, false, quiet, now);
        Stream stream = sender.openStream(1);
        stream.write(ByteBuffer.wrap(filled(3000, 0x61)));
        stream.finish();
        sender.sendDatagram(9, ByteBuffer.wrap("datagram".getBytes(StandardCharsets.US_ASCII)));
        List<byte[]> exchanged = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocate(config.maxPacketPayload());
        for (int round = 0; round < 6; round++) {
            now += 5_000_000L;
            ship(sender, receiver, now, out, exchanged);
            ship(receiver, sender, now, out, new ArrayList<>());
        }
        sender.close(7, "done");
        ship(sender, receiver, now, out, exchanged);
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(framed(exchanged));
        for (byte[] packet : exchanged) {
            seeds.add(framed(List.of(packet)));
        }
        return seeds;
    }

    private static void ship(Connection from, Connection to, long now, ByteBuffer out, List<byte[]> record) {
        for (int i = 0; i < 32; i++) {
            out.clear();
            int length = from.poll(now, out);
            if (length == 0) {
                return;
            }
            byte[] packet = new byte[length];
            out.flip().get(packet);
            record.add(packet);
            to.receive(ByteBuffer.wrap(packet), now);
        }
    }

    private static byte[] framed(List<byte[]> packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] packet : packets) {
            out.write(packet.length >>> 8);
            out.write(packet.length);
            out.writeBytes(packet);
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ message frames

    private static List<byte[]> messageFrames() {
        List<byte[]> seeds = new ArrayList<>();
        Message request = Message.of("what is the time?").with("content-type", "text/plain").with("trace", "0af7651916cd43dd");
        for (FrameKind kind : FrameKind.values()) {
            seeds.add(pieces(7, MessageFrameEncoder.encode(new MessageFrame(kind, request))));
        }
        seeds.add(pieces(255, MessageFrameEncoder.encode(new MessageFrame(FrameKind.values()[0], Message.of(filled(70_000, 0x62))))));
        seeds.add(pieces(0, MessageFrameEncoder.encode(MessageFrame.error(ErrorCode.values()[0], "no handler"))));
        return seeds;
    }

    /** The target's input: the piece size byte, then the frame. */
    private static byte[] pieces(int pieceByte, ByteBuffer[] frame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(pieceByte);
        for (ByteBuffer part : frame) {
            byte[] bytes = new byte[part.remaining()];
            part.duplicate().get(bytes);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ records and the directory protocol

    static SignedRecord signedRecord(int identitySeed) {
        Identity identity = Identity.fromSeed(seedBytes(identitySeed));
        List<Endpoint> endpoints = new ArrayList<>();
        for (Endpoint.Kind kind : Endpoint.Kind.values()) {
            endpoints.add(new Endpoint(kind, new InetSocketAddress("192.0.2." + (10 + kind.ordinal()), 4000 + kind.ordinal())));
        }
        endpoints.add(new Endpoint(Endpoint.Kind.values()[0], new InetSocketAddress("2001:db8::7", 4000)));
        NodeRecord record = new NodeRecord(0, identity.publicKey(), "agent-" + identitySeed,
                List.of(CapabilityInfo.of("papers.search"), new CapabilityInfo("papers.resolve", Map.of("model", "small"))),
                new TreeSet<>(List.of("research", "fleet")), endpoints, 3, 4_102_444_800_000L);
        return SignedRecord.sign(record, identity);
    }

    private static List<byte[]> directoryRequests() {
        byte[] record = signedRecord(7).toBytes();
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER).string8("").u8(0).bytes16(record).toBytes());
        seeds.add(new BinaryWriter().u8(DirectoryProtocol.OP_REGISTER).string8("join-token").u8(1).string8("research")
                .bytes16(filled(16, 0x70)).bytes16(record).toBytes());
        seeds.add(new BinaryWriter().u8(DirectoryProtocol.OP_HEARTBEAT).toBytes());
        seeds.add(new BinaryWriter().u8(DirectoryProtocol.OP_DEREGISTER).toBytes());
        for (DirectoryProtocol.Query query : DirectoryProtocol.Query.values()) {
            seeds.add(new BinaryWriter().u8(DirectoryProtocol.OP_LOOKUP).u8(query.ordinal()).string8("agent-7").toBytes());
            seeds.add(new BinaryWriter().u8(DirectoryProtocol.OP_WATCH).u8(query.ordinal()).string8("papers.search").toBytes());
        }
        seeds.add(new BinaryWriter().u8(DirectoryProtocol.OP_UNWATCH).u32(1).toBytes());
        for (DirectoryProtocol.GroupPolicy policy : DirectoryProtocol.GroupPolicy.values()) {
            seeds.add(new BinaryWriter().u8(DirectoryProtocol.OP_CREATE_GROUP).string8("research").u8(policy.ordinal())
                    .bytes16(filled(16, 0x71)).toBytes());
        }
        seeds.add(new BinaryWriter().u8(DirectoryProtocol.OP_PUNCH).u16(0).u64(0x1234_5678_9abcL).toBytes());
        return seeds;
    }

    private static List<byte[]> directoryReplies() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(DirectoryProtocol.ok().u32(30_000).u64(12).u64(99).u8(1)
                .socketAddress(new InetSocketAddress("192.0.2.1", 4000)).toBytes());
        seeds.add(DirectoryProtocol.ok().u32(1).bytes16(signedRecord(8).toBytes()).toBytes());
        for (DirectoryError error : DirectoryError.values()) {
            seeds.add(DirectoryProtocol.error(error, "refused: " + error));
        }
        return seeds;
    }

    // ------------------------------------------------------------------ STUN

    private static List<byte[]> stunMessages() {
        InetSocketAddress sender = new InetSocketAddress("198.51.100.9", 4242);
        byte[] transaction = filled(12, 0x5a);
        return List.of(
                bytes(StunMessage.builder(StunMessage.BINDING_REQUEST, transaction).fingerprint().build()
                        .encode(UnpooledByteBufAllocator.DEFAULT)),
                bytes(StunMessage.builder(StunMessage.BINDING_SUCCESS, transaction).xorMappedAddress(sender)
                        .mappedAddress(sender).software("pilot").fingerprint().build().encode(UnpooledByteBufAllocator.DEFAULT)),
                bytes(StunMessage.builder(StunMessage.BINDING_SUCCESS, transaction)
                        .xorMappedAddress(new InetSocketAddress("2001:db8::7", 9)).build().encode(UnpooledByteBufAllocator.DEFAULT)),
                bytes(StunMessage.builder(StunMessage.BINDING_ERROR, transaction)
                        .errorCode(new StunErrorCode(420, "Unknown Attribute")).unknownAttributes(List.of(6, 8, 0x24))
                        .build().encode(UnpooledByteBufAllocator.DEFAULT)));
    }

    // ------------------------------------------------------------------ control requests

    private static List<byte[]> controlRequests() {
        List<String> lines = List.of(
                "{\"command\":\"help\"}",
                "{\"command\":\"status\"}",
                "{\"command\":\"info\"}",
                "{\"command\":\"identity\"}",
                "{\"command\":\"peers\",\"args\":{}}",
                "{\"command\":\"ping\",\"args\":{\"target\":\"0:0000.0000.0001\",\"count\":1}}",
                "{\"command\":\"find\",\"args\":{\"capability\":\"papers.search\"}}",
                "{\"command\":\"send\",\"args\":{\"target\":\"0:0000.0000.0001\",\"port\":1000,\"data\":\"hello\"}}",
                "{\"command\":\"groups\"}",
                "{\"command\":\"join\",\"args\":{\"group\":\"research\",\"token\":\"t\"}}",
                "{\"command\":\"broadcast\",\"args\":{\"group\":\"research\",\"port\":1000,\"data\":\"x\"}}",
                "{\"command\":\"bench\",\"args\":{\"target\":\"0:0000.0000.0001\",\"bytes\":1024}}",
                "{\"command\":\"nope\"}");
        List<byte[]> seeds = new ArrayList<>();
        lines.forEach(line -> seeds.add((line + "\n").getBytes(StandardCharsets.UTF_8)));
        return seeds;
    }

    // ------------------------------------------------------------------ files

    private static byte[] identityFile() throws IOException {
        Path directory = ScratchDirectory.create("pilot-identity-seed");
        try {
            Path file = directory.resolve("identity");
            IdentityStore.write(file, Identity.fromSeed(seedBytes(9)));
            return Files.readAllBytes(file);
        } finally {
            ScratchDirectory.delete(directory);
        }
    }

    private record StoreFiles(byte[] journal, byte[] snapshot) {
    }

    /** A snapshot of a few entries, then a journal of puts and a remove written after it. */
    private static StoreFiles storeFiles() throws IOException {
        Path directory = ScratchDirectory.create("pilot-store-seed");
        try {
            StoreOptions options = StoreOptions.defaults().withSyncEveryWrite(true);
            try (JournaledStore store = JournaledStore.open(directory, options)) {
                store.put("records", "N:0000.0000.0001", signedRecord(7).toBytes());
                store.put("hostnames", "agent-7", "0:0000.0000.0001".getBytes(StandardCharsets.UTF_8));
                store.put("groups", "research", new byte[] {1, 2, 3});
                store.compact();
                store.put("records", "N:0000.0000.0002", signedRecord(8).toBytes());
                store.put("hostnames", "agent-8", "0:0000.0000.0002".getBytes(StandardCharsets.UTF_8));
                store.remove("groups", "research");
            }
            return new StoreFiles(Files.readAllBytes(directory.resolve("journal")),
                    Files.readAllBytes(directory.resolve("snapshot")));
        } finally {
            ScratchDirectory.delete(directory);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] bytes(ByteBuf buffer) {
        try {
            return ByteBufUtil.getBytes(buffer);
        } finally {
            buffer.release();
        }
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private SeedCorpus() {
    }
}
