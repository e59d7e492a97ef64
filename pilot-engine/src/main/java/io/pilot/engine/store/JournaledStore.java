package io.pilot.engine.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small crash-safe key-value store for the backbone's durable state (signed node records, hostname
 * bindings, group definitions). Keys live in namespaces; values are byte arrays of up to 1 MiB. The whole
 * state is held in memory; the disk holds a snapshot and a journal of the mutations since, and a mutation
 * returns only once its journal entry is written (and, by default, forced to disk). Thread-safe: every
 * method takes the store's monitor.
 *
 * <p>After an I/O error on a write the store refuses further writes (reads still answer with the last
 * acknowledged state): the journal may end in a partial entry, and appending after it would turn a
 * harmless torn tail into corruption. Reopening recovers. Such errors surface as
 * {@link UncheckedIOException}, since a caller has nothing to retry in place.
 *
 * <h2>Files in the store directory</h2>
 * <ul>
 * <li>{@code store.lock}: locked with {@code FileChannel.tryLock} while the store is open; holds the
 *     owner's pid.
 * <li>{@code snapshot}: the live state as of generation <i>g</i>; absent until the first compaction
 *     (generation 0 is the empty state).
 * <li>{@code journal}: the mutations since snapshot generation <i>g</i>, in order.
 * <li>{@code snapshot.tmp}, {@code journal.tmp}: written during compaction, renamed into place once
 *     complete and synced; deleted on open if a crash left them.
 * <li>{@code journal.torn-<i>yyyyMMdd'T'HHmmss.SSS'Z'</i>} (UTC, {@code -2}, {@code -3}... appended if
 *     taken): a journal as found with a torn last entry, kept before that entry is cut off. Never read
 *     again; the operator may delete it.
 * </ul>
 *
 * <h2>On-disk format, version 1</h2>
 * All integers are unsigned and big-endian; CRC32C is the Castagnoli CRC of {@link java.util.zip.CRC32C}.
 * Both files start with the same 18-byte header:
 * <pre>
 * offset size
 *  0     4    magic        "PJNL" (50 4A 4E 4C) in a journal, "PSNP" (50 53 4E 50) in a snapshot
 *  4     2    version      1
 *  6     8    generation   journal: the snapshot generation it continues; snapshot: its own generation
 * 14     4    crc32c       of bytes 0..13
 * </pre>
 * A journal is the header followed by entries until the end of the file; each entry is
 * <pre>
 * size   field
 * 4      length       n, the size of the body (5 .. 5 + 2 * 65535 + 1048576)
 * 4      crc32c       of the length field and the body (not of itself)
 * n      body:
 *   1      kind            1 = put, 2 = remove
 *   2      ns length       a
 *   a      namespace       UTF-8
 *   2      key length      b
 *   b      key             UTF-8
 *   n-5-a-b value          puts only; a remove has none
 * </pre>
 * A snapshot is the header, one put entry per live key (namespaces, then keys, in sorted order), and an
 * 8-byte trailer: the entry count (4 bytes) and the CRC32C of every byte of the file before the
 * checksum (4 bytes).
 *
 * <h2>Compaction</h2>
 * Once the journal (without header) is at least {@link StoreOptions#compactionMinJournalBytes()} and more
 * than {@link StoreOptions#compactionGrowthFactor()} times the size of the live entries, or on
 * {@link #compact()}: the live state is written to {@code snapshot.tmp} with generation <i>g</i>+1 and
 * synced, renamed over {@code snapshot}, the directory synced; then an empty {@code journal.tmp} of
 * generation <i>g</i>+1 is written, synced, renamed over {@code journal}, the directory synced. A failed
 * automatic compaction does not fail the write that triggered it, which is durable already; it is logged,
 * and the next write reports it.
 *
 * <h2>Recovery on open</h2>
 * The snapshot is loaded, then the journal replayed if its generation equals the snapshot's. A journal
 * one generation behind means a crash between the two renames of a compaction: its entries are all in
 * the snapshot, and a fresh journal is written. A last journal entry that is cut short or fails its
 * checksum, with no valid entry after it, is a write torn by a crash: the journal is copied to
 * {@code journal.torn-*}, the entry cut off, and a warning logged with the offset and byte count. Any
 * other damage (bad magic, unknown version, a bad entry followed by valid ones, a snapshot that fails any
 * check, generations that do not fit together, a journal missing beside a snapshot) fails the open with a
 * {@link StoreCorruptedException} naming file, offset and problem, and changes no file.
 */
public final class JournaledStore implements Closeable {

    /** Largest value accepted by {@link #put}. */
    public static final int MAX_VALUE_BYTES = EntryCodec.MAX_VALUE_BYTES;

    private static final Logger log = LoggerFactory.getLogger(JournaledStore.class);

    private final StoreFiles files;
    private final StoreOptions options;
    private final DirectoryLock lock;
    private final LiveState state;
    private final ScheduledExecutorService syncer;
    private Journal journal;
    private long generation;
    private IOException failure;
    private boolean closed;
    private CompactionHook compactionHook = CompactionHook.NONE;

    private JournaledStore(StoreFiles files, StoreOptions options, DirectoryLock lock, Recovery.Recovered recovered,
                           Journal journal) {
        this.files = files;
        this.options = options;
        this.lock = lock;
        this.state = recovered.state();
        this.generation = recovered.generation();
        this.journal = journal;
        this.syncer = options.syncEveryWrite() ? null : startSyncer();
    }

    /**
     * Opens the store in {@code directory}, creating both if needed, and recovers its state.
     *
     * @throws AccessDeniedException if the directory is not writable
     * @throws StoreLockedException if another process (or another open store in this one) holds the directory
     * @throws StoreCorruptedException if the files are damaged in a way a crash cannot explain
     */
    public static JournaledStore open(Path directory, StoreOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        Files.createDirectories(directory);
        if (!Files.isWritable(directory)) {
            throw new AccessDeniedException(directory.toString(), null, "the store directory is not writable by this process");
        }
        StoreFiles files = new StoreFiles(directory);
        DirectoryLock lock = DirectoryLock.acquire(files.lock());
        try {
            Recovery.Recovered recovered = Recovery.run(files);
            Journal journal = Journal.openForAppend(files.journal(), options.syncEveryWrite());
            return new JournaledStore(files, options, lock, recovered, journal);
        } catch (IOException | RuntimeException e) {
            try {
                lock.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Stores {@code value} (copied) under {@code key} in {@code namespace}; durable when this returns. */
    public synchronized void put(String namespace, String key, byte[] value) {
        Objects.requireNonNull(value, "value");
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("the value for " + namespace + "/" + key + " is " + value.length
                    + " bytes, more than the limit of " + MAX_VALUE_BYTES);
        }
        write(JournalEntry.put(namespace, key, value.clone()));
    }

    /** Removes a key; durable when this returns. Returns whether it was there. */
    public synchronized boolean remove(String namespace, String key) {
        ensureWritable();
        if (state.get(Objects.requireNonNull(namespace, "namespace"), Objects.requireNonNull(key, "key")) == null) {
            return false;
        }
        write(JournalEntry.remove(namespace, key));
        return true;
    }

    /** A copy of the value under {@code key} in {@code namespace}, or {@code null}. */
    public synchronized byte[] get(String namespace, String key) {
        ensureOpen();
        byte[] value = state.get(namespace, key);
        return value == null ? null : value.clone();
    }

    /** A read-only copy of one namespace, in key order; empty if the namespace has no keys. */
    public synchronized Map<String, byte[]> entries(String namespace) {
        ensureOpen();
        Map<String, byte[]> copy = new LinkedHashMap<>();
        state.namespace(namespace).forEach((key, value) -> copy.put(key, value.clone()));
        return Collections.unmodifiableMap(copy);
    }

    /** The number of keys in all namespaces. */
    public synchronized int size() {
        ensureOpen();
        return state.size();
    }

    /** Writes a snapshot and starts an empty journal now, whatever the journal's size. */
    public synchronized void compact() {
        ensureWritable();
        try {
            compactNow();
        } catch (IOException e) {
            throw fail("compaction of " + files.directory() + " failed", e);
        }
    }

    /** Forces the journal to disk; only useful with {@code syncEveryWrite} off. */
    public synchronized void sync() {
        ensureWritable();
        try {
            journal.sync();
        } catch (IOException e) {
            throw fail("sync of " + files.journal() + " failed", e);
        }
    }

    /** Syncs the journal and releases the directory. Later calls do nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (syncer != null) {
            syncer.shutdown();
        }
        try {
            journal.close();
        } finally {
            lock.close();
        }
    }

    /** For tests: runs {@code hook} between the steps of every compaction. */
    synchronized void compactionHook(CompactionHook hook) {
        this.compactionHook = hook;
    }

    private void write(JournalEntry entry) {
        ensureWritable();
        ByteBuffer frame = EntryCodec.encode(entry);
        try {
            journal.append(frame);
        } catch (IOException e) {
            throw fail("append to " + files.journal() + " failed", e);
        }
        state.apply(entry);
        if (compactionDue()) {
            try {
                compactNow();
            } catch (IOException e) {
                // The write itself is durable, so the caller hears of this on its next write.
                failure = e;
                log.error("{}: compaction failed; the store accepts no more writes until reopened", files.directory(), e);
            }
        }
    }

    private boolean compactionDue() {
        long journalBytes = journal.size() - FileHeader.SIZE;
        return journalBytes >= options.compactionMinJournalBytes()
                && journalBytes / options.compactionGrowthFactor() > state.snapshotBytes();
    }

    private void compactNow() throws IOException {
        long next = generation + 1;
        SnapshotWriter.write(files.snapshotTemp(), next, state);
        compactionHook.reached(CompactionHook.Step.SNAPSHOT_SYNCED);
        files.replace(files.snapshotTemp(), files.snapshot());
        compactionHook.reached(CompactionHook.Step.SNAPSHOT_RENAMED);
        Journal.writeEmpty(files.journalTemp(), next);
        compactionHook.reached(CompactionHook.Step.JOURNAL_SYNCED);
        journal.close();
        files.replace(files.journalTemp(), files.journal());
        journal = Journal.openForAppend(files.journal(), options.syncEveryWrite());
        generation = next;
        log.debug("{}: compacted {} keys into snapshot generation {}", files.directory(), state.size(), next);
    }

    private ScheduledExecutorService startSyncer() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "pilot-store-sync " + files.directory());
            thread.setDaemon(true);
            return thread;
        });
        long nanos = options.syncInterval().toNanos();
        executor.scheduleWithFixedDelay(this::periodicSync, nanos, nanos, TimeUnit.NANOSECONDS);
        return executor;
    }

    private synchronized void periodicSync() {
        if (closed || failure != null) {
            return;
        }
        try {
            journal.sync();
        } catch (IOException e) {
            failure = e;
            log.error("{}: periodic sync failed; the store accepts no more writes until reopened", files.journal(), e);
        }
    }

    private UncheckedIOException fail(String what, IOException cause) {
        failure = cause;
        return new UncheckedIOException(what + "; the store accepts no more writes until reopened", cause);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the store in " + files.directory() + " is closed");
        }
    }

    private void ensureWritable() {
        ensureOpen();
        if (failure != null) {
            throw new IllegalStateException("the store in " + files.directory() + " accepts no more writes after an I/O"
                    + " failure; reopen it to recover", failure);
        }
    }
}
