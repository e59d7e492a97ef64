package io.pilot.engine.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a journal back when the store opens, without changing it. The one kind of damage a crash can
 * cause is a torn tail: the last entry cut short or only partly on disk. Anything else means data after
 * the damage would be lost, so it is reported, never skipped.
 *
 * <p>The two are told apart by looking past a bad entry: if a valid entry (length in range, checksum
 * matching) starts anywhere after it, the bad entry was not the last one. A value that itself contains
 * the bytes of a valid entry can therefore make a torn tail look like corruption; the store then refuses
 * to open, which errs on the safe side.
 */
final class JournalReader implements Closeable {

    private final Path file;
    private final FileChannel channel;
    private final FileWindow window;
    private final long generation;

    private JournalReader(Path file, FileChannel channel) throws IOException {
        this.file = file;
        this.channel = channel;
        this.window = new FileWindow(channel);
        this.generation = FileHeader.read(window, file, FileHeader.Kind.JOURNAL);
    }

    /** Opens a journal and checks its header. */
    static JournalReader open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new JournalReader(file, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The generation of the snapshot this journal continues. */
    long generation() {
        return generation;
    }

    /**
     * Applies every entry to {@code state} and says where the valid entries end.
     *
     * @throws StoreCorruptedException if a bad entry is followed by a valid one, or a checksummed entry
     *         does not decode
     */
    Replay replayInto(LiveState state) throws IOException {
        long offset = FileHeader.SIZE;
        while (offset < window.size()) {
            EntryCodec.Probe probe = EntryCodec.probe(window, offset, window.size());
            if (!probe.valid()) {
                long next = nextValidEntry(offset + 1);
                if (next >= 0) {
                    throw new StoreCorruptedException(file, offset, probe.problem() + ", yet a valid entry follows at offset "
                            + next + ", so this is not a write torn by a crash");
                }
                return new Replay(offset, window.size() - offset, probe.problem());
            }
            state.apply(EntryCodec.decode(window.read(offset, probe.frameSize()), file, offset));
            offset += probe.frameSize();
        }
        return new Replay(offset, 0, "none");
    }

    private long nextValidEntry(long from) throws IOException {
        for (long offset = from; offset + EntryCodec.PREFIX_SIZE < window.size(); offset++) {
            if (EntryCodec.probe(window, offset, window.size()).valid()) {
                return offset;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Where the valid entries end, and how many bytes after that belong to a torn last entry.
     *
     * @param validEnd offset just past the last valid entry
     * @param tornBytes bytes from {@code validEnd} to the end of the file
     * @param tornProblem what is wrong with those bytes
     */
    record Replay(long validEnd, long tornBytes, String tornProblem) {

        boolean torn() {
            return tornBytes > 0;
        }
    }
}
