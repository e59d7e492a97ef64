package io.pilot.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How long some of this process's threads ran and how long they waited in the kernel's run queue for a core, from
 * Linux's {@code /proc/self/task/<tid>/schedstat}: on a loaded machine a thread that is ready but not running is
 * what separates a latency figure from the CPU it cost. Threads are picked by the name the kernel holds for them
 * (the Java name cut to 15 characters). Reading every thread's files costs milliseconds of CPU: take readings
 * outside a window whose process CPU is measured.
 */
final class RunQueue {

    private static final Path TASKS = Path.of("/proc/self/task");

    /** Run and wait time summed over the threads read; both -1 where the kernel does not say. */
    record Times(long runNanos, long waitNanos) {

        static final Times UNKNOWN = new Times(-1, -1);

        Times since(Times earlier) {
            return runNanos < 0 || earlier.runNanos < 0 ? UNKNOWN
                    : new Times(runNanos - earlier.runNanos, waitNanos - earlier.waitNanos);
        }
    }

    private RunQueue() {
    }

    /** The threads whose kernel name starts with {@code prefix}, summed (threads that ended are not counted). */
    static Times of(String prefix) {
        if (!Files.isDirectory(TASKS)) {
            return Times.UNKNOWN;
        }
        long run = 0;
        long wait = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    if (!Files.readString(task.resolve("comm")).startsWith(prefix)) {
                        continue;
                    }
                    String[] fields = Files.readString(task.resolve("schedstat")).strip().split(" ");
                    run += Long.parseLong(fields[0]);
                    wait += Long.parseLong(fields[1]);
                } catch (IOException ended) {
                    // the thread ended between listing and reading: it is not counted
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + TASKS, e);
        }
        return new Times(run, wait);
    }
}
