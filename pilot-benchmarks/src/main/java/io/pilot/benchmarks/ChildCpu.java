package io.pilot.benchmarks;

import java.time.Duration;

/**
 * CPU time of a child process (a bench app, nats-server), read from the operating system (on Linux,
 * {@code /proc/PID/stat}: user and system time in clock ticks, 10 ms each), so that section 7 can say what a call costs
 * each process whatever else shares the cores.
 */
final class ChildCpu {

    private ChildCpu() {
    }

    /** @throws IllegalStateException where the operating system does not tell a process's CPU time */
    static long nanos(Process process) {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("the CPU time of process " + process.pid()
                        + " is not available on this system"));
    }
}
