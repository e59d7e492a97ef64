package io.pilot.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntryCodecTests {

    @TempDir
    Path dir;

    @Test
    void putsAndRemovesRoundTripThroughAFile() throws IOException {
        List<JournalEntry> written = List.of(
                JournalEntry.put("nodes", "N:0001.0000.0002", new byte[] {1, 2, 3}),
                JournalEntry.put("hostnames", "grüße.example", new byte[0]),
                JournalEntry.remove("nodes", "N:0001.0000.0002"),
                JournalEntry.put("", "", new byte[EntryCodec.MAX_VALUE_BYTES]));
        Path file = dir.resolve("entries");
        for (JournalEntry entry : written) {
            ByteBuffer frame = EntryCodec.encode(entry);
            assertThat(frame.remaining()).isEqualTo(EntryCodec.frameSize(entry.namespace(), entry.key(), entry.value().length));
            Files.write(file, toArray(frame), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        List<JournalEntry> read = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file)) {
            FileWindow window = new FileWindow(channel);
            long offset = 0;
            while (offset < window.size()) {
                EntryCodec.Probe probe = EntryCodec.probe(window, offset, window.size());
                assertThat(probe.valid()).as(probe.problem()).isTrue();
                read.add(EntryCodec.decode(window.read(offset, probe.frameSize()), file, offset));
                offset += probe.frameSize();
            }
        }
        assertThat(read).hasSameSizeAs(written);
        for (int i = 0; i < written.size(); i++) {
            assertThat(read.get(i).kind()).isEqualTo(written.get(i).kind());
            assertThat(read.get(i).namespace()).isEqualTo(written.get(i).namespace());
            assertThat(read.get(i).key()).isEqualTo(written.get(i).key());
            assertThat(read.get(i).value()).isEqualTo(written.get(i).value());
        }
    }

    @Test
    void probeTellsCutOffEntriesImpossibleLengthsAndChecksumMismatches() throws IOException {
        byte[] frame = toArray(EntryCodec.encode(JournalEntry.put("ns", "key", "value".getBytes(StandardCharsets.UTF_8))));
        assertThat(probe(frame).valid()).isTrue();

        assertThat(probe(slice(frame, 5)).problem()).contains("only 5 bytes remain");
        assertThat(probe(slice(frame, frame.length - 1)).problem()).contains("cut off after " + (frame.length - 1));

        byte[] hugeLength = frame.clone();
        hugeLength[0] = (byte) 0x7F;
        assertThat(probe(hugeLength).problem()).contains("outside the possible");

        for (int i = 0; i < frame.length; i++) {
            byte[] flipped = frame.clone();
            flipped[i] ^= 0x01;
            assertThat(probe(flipped).valid()).as("bit flip in byte %d", i).isFalse();
        }
        byte[] badData = frame.clone();
        badData[frame.length - 1] ^= 0x40;
        assertThat(probe(badData).problem()).contains("CRC32C checksum does not match");
    }

    @Test
    void refusesWhatTheFormatCannotHold() {
        byte[] tooLarge = new byte[EntryCodec.MAX_VALUE_BYTES + 1];
        assertThatIllegalArgumentException().isThrownBy(() -> EntryCodec.encode(JournalEntry.put("ns", "k", tooLarge)))
                .withMessageContaining("exceeds the limit");
        String longName = "x".repeat(EntryCodec.MAX_NAME_BYTES + 1);
        assertThatIllegalArgumentException().isThrownBy(() -> EntryCodec.encode(JournalEntry.put(longName, "k", new byte[0])))
                .withMessageContaining("namespace is 65536 bytes");
        assertThatIllegalArgumentException().isThrownBy(() -> EntryCodec.encode(JournalEntry.remove("ns", "\uD800")))
                .withMessageContaining("key is not valid Unicode");
    }

    @Test
    void aChecksummedEntryThatDoesNotDecodeIsCorruption() throws IOException {
        ByteBuffer frame = EntryCodec.encode(JournalEntry.put("ns", "k", new byte[] {9}));
        frame.put(EntryCodec.PREFIX_SIZE, (byte) 7);
        Path file = dir.resolve("entry");
        assertThatExceptionOfType(StoreCorruptedException.class).isThrownBy(() -> EntryCodec.decode(frame, file, 100))
                .withMessageContaining(file.toString())
                .withMessageContaining("offset 108")
                .withMessageContaining("unknown entry kind 7")
                .satisfies(e -> assertThat(e.offset()).isEqualTo(108));
    }

    @Test
    void headerRoundTripsAndNamesWhatIsWrong() throws IOException {
        byte[] header = toArray(FileHeader.encode(FileHeader.Kind.JOURNAL, 42));
        assertThat(header).hasSize(FileHeader.SIZE);
        assertThat(readHeader(header, FileHeader.Kind.JOURNAL)).isEqualTo(42);

        assertThatExceptionOfType(StoreCorruptedException.class)
                .isThrownBy(() -> readHeader(header, FileHeader.Kind.SNAPSHOT))
                .withMessageContaining("offset 0: bad magic 0x504a4e4c, expected 0x50534e50 (\"PSNP\"");
        byte[] version = header.clone();
        version[5] = 2;
        assertThatExceptionOfType(StoreCorruptedException.class)
                .isThrownBy(() -> readHeader(version, FileHeader.Kind.JOURNAL))
                .withMessageContaining("offset 4: unknown format version 2; this build reads version 1");
        byte[] generation = header.clone();
        generation[13] ^= 1;
        assertThatExceptionOfType(StoreCorruptedException.class)
                .isThrownBy(() -> readHeader(generation, FileHeader.Kind.JOURNAL))
                .withMessageContaining("offset 14: the header's CRC32C checksum does not match");
        assertThatExceptionOfType(StoreCorruptedException.class)
                .isThrownBy(() -> readHeader(slice(header, 17), FileHeader.Kind.JOURNAL))
                .withMessageContaining("the file is 17 bytes, shorter than the 18-byte header");
    }

    private long readHeader(byte[] bytes, FileHeader.Kind kind) throws IOException {
        Path file = write(bytes);
        try (FileChannel channel = FileChannel.open(file)) {
            return FileHeader.read(new FileWindow(channel), file, kind);
        }
    }

    private EntryCodec.Probe probe(byte[] bytes) {
        try (FileChannel channel = FileChannel.open(write(bytes))) {
            FileWindow window = new FileWindow(channel);
            return EntryCodec.probe(window, 0, window.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "bytes", ""), bytes);
    }

    private static byte[] slice(byte[] bytes, int length) {
        return Arrays.copyOf(bytes, length);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
