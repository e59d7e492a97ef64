package io.pilot.benchmarks;

import io.netty.channel.epoll.Epoll;

import java.lang.management.ManagementFactory;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The machine and JVM a run happened on, for the report header: figures from different machines or
 * JVMs are not comparable, so every report says where its figures come from.
 *
 * @param date when the run started (local time, ISO format)
 * @param jvm vendor, VM name and version, and the {@code -X} options the run was started with (heap size, heap
 *            pre-touch: they change what allocation costs)
 * @param os operating system name, version and architecture
 * @param cores processors available to the JVM
 * @param maxHeapMiB the JVM's heap ceiling
 * @param loadAverage the system's one-minute load average as the run starts: other processes on the machine
 *                    compete for the same cores, and a load near the core count before the run means the
 *                    figures are pessimistic
 * @param epoll whether Netty's native epoll transport is available; {@code PilotNode} uses it when it
 *              is (and logs "epoll" or "nio" at start), and so do the TLS baseline's channels
 */
public record Environment(String date, String jvm, String os, int cores, long maxHeapMiB, double loadAverage,
                          boolean epoll) {

    /** The one-minute load average, or -1 where the platform has none. */
    public static double currentLoadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The JVM's {@code -X} options (heap sizing, pre-touch), or nothing if it was started without any. */
    private static String memoryOptions() {
        String options = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(argument -> argument.startsWith("-X")).toList());
        return options.isEmpty() ? "" : ", " + options;
    }

    public static Environment current() {
        return new Environment(
                ZonedDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.runtime.version") + memoryOptions(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                currentLoadAverage(),
                Epoll.isAvailable());
    }
}
