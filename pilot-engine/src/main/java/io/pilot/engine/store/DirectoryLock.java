package io.pilot.engine.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sole ownership of a store directory: an OS lock on its lock file. The operating system drops the lock
 * when the process dies, so a crash never leaves the directory locked. The holder writes its pid into the
 * file so that whoever is turned away can say who holds it. The file itself stays: deleting it on close
 * would let a third process lock a fresh file while a second one still holds the old.
 *
 * <p>OS file locks belong to the process, and closing any channel on the file can drop them, so a second
 * attempt from this process must not so much as open the file: lock files held here are also kept in a
 * set, which is checked first.
 */
final class DirectoryLock implements Closeable {

    private static final Set<Path> HELD_BY_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path lockFile, FileChannel channel, FileLock lock) {
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock at once, or fails with a {@link StoreLockedException}. */
    static DirectoryLock acquire(Path lockFile) throws IOException {
        Path key = lockFile.getParent().toRealPath().resolve(lockFile.getFileName());
        if (!HELD_BY_THIS_PROCESS.add(key)) {
            throw new StoreLockedException(lockFile, "this process (pid " + ProcessHandle.current().pid()
                    + "), which has the store open already");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StoreLockedException(lockFile, holder(channel));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DirectoryLock(key, channel, lock);
        } catch (IOException | RuntimeException e) {
            HELD_BY_THIS_PROCESS.remove(key);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(32);
        channel.read(content, 0);
        String pid = new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII).trim();
        return pid.matches("\\d+") ? "process " + pid : "another process";
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
            HELD_BY_THIS_PROCESS.remove(lockFile);
        }
    }
}
