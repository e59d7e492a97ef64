package io.pilot.engine.directory;

import java.util.ArrayList;
import java.util.Arrays;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.pilot.engine.identity.Identity;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class SignedRecordTests {

    private static final SecureRandom RANDOM = new SecureRandom();

    static NodeRecord sample(Identity identity, long sequence) {
        return new NodeRecord(0, identity.publicKey(), "specialist-papers",
                List.of(new CapabilityInfo("papers.resolve-citation", Map.of("version", "2", "note", "café")),
                        CapabilityInfo.of("papers.search")),
                new TreeSet<>(List.of("RESEARCH", "alpha")),
                List.of(new Endpoint(Endpoint.Kind.LOCAL, new InetSocketAddress("10.0.0.7", 7400)),
                        new Endpoint(Endpoint.Kind.REFLEXIVE, new InetSocketAddress("2001:db8::1", 40000))),
                sequence, 1_900_000_000_000L);
    }

    @Test
    void signedRecordsRoundTripExactly() {
        Identity identity = Identity.generate(RANDOM);
        SignedRecord signed = SignedRecord.sign(sample(identity, 7), identity);
        SignedRecord decoded = SignedRecord.decode(signed.toBytes());
        assertThat(decoded).isEqualTo(signed);
        assertThat(decoded.record()).isEqualTo(sample(identity, 7));
        assertThat(decoded.record().address()).isEqualTo(identity.publicKey().address(0));
    }

    @Test
    void everyAlteredByteIsRefused() {
        Identity identity = Identity.generate(RANDOM);
        byte[] bytes = SignedRecord.sign(sample(identity, 1), identity).toBytes();
        for (int i = 0; i < bytes.length; i++) {
            byte[] altered = bytes.clone();
            altered[i] ^= 0x01;
            assertThatExceptionOfType(RecordException.class).as("byte %d", i)
                    .isThrownBy(() -> SignedRecord.decode(altered));
        }
    }

    @Test
    void aRecordSignedByAnotherKeyIsRefused() {
        Identity owner = Identity.generate(RANDOM);
        Identity forger = Identity.generate(RANDOM);
        byte[] genuine = SignedRecord.sign(sample(owner, 1), owner).toBytes();
        byte[] forgedSignature = forger.sign(RecordCodec.signedBytes(Arrays.copyOf(genuine, genuine.length - 64)));
        System.arraycopy(forgedSignature, 0, genuine, genuine.length - 64, 64);
        assertThatExceptionOfType(RecordException.class).isThrownBy(() -> SignedRecord.decode(genuine))
                .withMessageContaining("signature does not verify");
        assertThatIllegalArgumentException().isThrownBy(() -> SignedRecord.sign(sample(owner, 1), forger))
                .withMessageContaining("signed by the key it describes");
    }

    @Test
    void aRecordHasOneEncoding_groupsAndMetadataKeysOutOfOrderOrTwiceAreRefusedThoughSigned() {
        Identity identity = Identity.generate(RANDOM);
        NodeRecord record = new NodeRecord(0, identity.publicKey(), "ordered",
                List.of(new CapabilityInfo("fx.rate", Map.of("aa", "1", "bb", "2"))), new TreeSet<>(List.of("cc", "dd")),
                List.of(), 1, 1_900_000_000_000L);
        byte[] body = RecordCodec.encodeBody(record);
        assertThat(SignedRecord.decode(signed(identity, body)).record()).isEqualTo(record);

        String[][] cases = {
                {"aa", "bb", "out of order, after 'bb'"}, // metadata keys swapped
                {"bb", "aa", "'aa' twice"}, // a metadata key repeated
                {"cc", "dd", "out of order, after 'dd'"}, // groups swapped
                {"dd", "cc", "'cc' twice"}, // a group repeated
        };
        for (String[] c : cases) {
            byte[] altered = body.clone();
            int first = indexOf(altered, c[0]);
            int second = indexOf(altered, c[1]);
            if (c[2].contains("twice")) {
                System.arraycopy(c[1].getBytes(), 0, altered, first, 2); // the later entry now says the earlier's name
            } else {
                System.arraycopy(c[1].getBytes(), 0, altered, first, 2); // same lengths: values stay, names trade places
                System.arraycopy(c[0].getBytes(), 0, altered, second, 2);
            }
            assertThatExceptionOfType(RecordException.class).as(String.join(" ", c))
                    .isThrownBy(() -> SignedRecord.decode(signed(identity, altered)))
                    .withMessageContaining(c[2]).withMessageContaining("ascend");
        }
    }

    private static byte[] signed(Identity identity, byte[] body) {
        byte[] signature = identity.sign(RecordCodec.signedBytes(body));
        byte[] bytes = Arrays.copyOf(body, body.length + signature.length);
        System.arraycopy(signature, 0, bytes, body.length, signature.length);
        return bytes;
    }

    /** Where a two-letter name written behind its length byte starts. */
    private static int indexOf(byte[] bytes, String name) {
        byte[] wanted = {2, (byte) name.charAt(0), (byte) name.charAt(1)};
        for (int i = 0; i + 3 <= bytes.length; i++) {
            if (bytes[i] == wanted[0] && bytes[i + 1] == wanted[1] && bytes[i + 2] == wanted[2]) {
                return i + 1;
            }
        }
        throw new AssertionError(name + " not found");
    }

    @Test
    void truncatedTrailingAndOversizedBytesAreRefused() {
        Identity identity = Identity.generate(RANDOM);
        byte[] bytes = SignedRecord.sign(sample(identity, 1), identity).toBytes();
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatExceptionOfType(RecordException.class).isThrownBy(() -> SignedRecord.decode(truncated));
        }
        assertThatExceptionOfType(RecordException.class)
                .isThrownBy(() -> SignedRecord.decode(new byte[RecordCodec.MAX_RECORD_BYTES + 1]))
                .withMessageContaining("exceeds");
        List<CapabilityInfo> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(new CapabilityInfo("cap." + i, Map.of("doc", "x".repeat(200))));
        }
        NodeRecord huge = new NodeRecord(0, identity.publicKey(), "big", many, new TreeSet<>(), List.of(), 1, 0);
        assertThatExceptionOfType(RecordException.class).isThrownBy(() -> SignedRecord.sign(huge, identity))
                .withMessageContaining("larger than");
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButRecordException() {
        Random random = new Random(23);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(400)];
            random.nextBytes(junk);
            if (junk.length > 0) {
                junk[0] = 1;
            }
            try {
                SignedRecord.decode(junk);
                throw new AssertionError("random bytes decoded as a record");
            } catch (RecordException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void namesAreChecked() {
        Identity identity = Identity.generate(RANDOM);
        assertThatIllegalArgumentException().isThrownBy(() -> new NodeRecord(0, identity.publicKey(), "Bad_Host",
                List.of(), new TreeSet<>(), List.of(), 1, 0)).withMessageContaining("invalid hostname 'Bad_Host'");
        assertThatIllegalArgumentException().isThrownBy(() -> CapabilityInfo.of("Papers!"))
                .withMessageContaining("invalid capability");
        assertThatIllegalArgumentException().isThrownBy(() -> Names.checkGroup("a b"))
                .withMessageContaining("invalid group 'a b'");
    }
}
