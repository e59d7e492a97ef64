package io.pilot.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the kernel says of the UDP sockets bound to one local port (Linux {@code /proc/net/udp} and {@code udp6}):
 * datagrams dropped because the socket's receive buffer was full, and the bytes waiting in it now. A diagnostic for
 * the sessions benchmark, whose backbone reads everything through one socket: a receive queue near the buffer's size
 * means the backbone's loop is behind, drops that grow mean datagrams its sessions sent never reached it.
 *
 * @param drops        datagrams the kernel dropped at these sockets since they opened
 * @param receiveQueue bytes queued for reading now
 */
record UdpSocketQueue(long drops, long receiveQueue) {

    /** The sockets on {@code port}, summed; zeros where /proc/net cannot be read (not Linux). */
    static UdpSocketQueue ofPort(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        long drops = 0;
        long queue = 0;
        for (String file : List.of("/proc/net/udp", "/proc/net/udp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(file));
            } catch (IOException | RuntimeException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] fields = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue tr tm->when retrnsmt uid timeout inode ref pointer drops
                if (fields.length < 13 || !fields[1].endsWith(hexPort)) {
                    continue;
                }
                String[] queues = fields[4].split(":");
                queue += Long.parseLong(queues[1], 16);
                drops += Long.parseLong(fields[fields.length - 1]);
            }
        }
        return new UdpSocketQueue(drops, queue);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "socket drops %,d, receive queue %,d B", drops, receiveQueue);
    }
}
