package io.pilot.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
 * <p>The files list every UDP socket of the machine, 100,000 of them while the sessions benchmark runs, and it reads
 * them every few seconds in the JVM that hosts the backbone under test: they are scanned as bytes through one small
 * buffer, and only the lines naming the port become strings. Read as a String per line and split by a regular
 * expression (a String per line and fourteen per split), the readings were about a fifth of the bytes that JVM
 * allocated in a JFR recording of a 100,000-session run.
 *
 * @param drops        datagrams the kernel dropped at these sockets since they opened
 * @param receiveQueue bytes queued for reading now
 */
record UdpSocketQueue(long drops, long receiveQueue) {

    private static final List<String> FILES = List.of("/proc/net/udp", "/proc/net/udp6");
    /** Longer than any line of those files (about 130 bytes for IPv4, 170 for IPv6); longer lines are not ours. */
    private static final int LONGEST_LINE = 512;

    /** The sockets on {@code port}, summed; zeros where /proc/net cannot be read (not Linux). */
    static UdpSocketQueue ofPort(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        byte[] needle = (hexPort + " ").getBytes(StandardCharsets.US_ASCII);
        long[] sums = new long[2];
        byte[] buffer = new byte[1 << 16];
        byte[] line = new byte[LONGEST_LINE];
        for (String file : FILES) {
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                int length = 0;
                boolean overlong = false;
                int read;
                while ((read = in.read(buffer)) > 0) {
                    for (int i = 0; i < read; i++) {
                        byte b = buffer[i];
                        if (b == '\n') {
                            if (!overlong && contains(line, length, needle)) {
                                add(new String(line, 0, length, StandardCharsets.US_ASCII), hexPort, sums);
                            }
                            length = 0;
                            overlong = false;
                        } else if (length < LONGEST_LINE) {
                            line[length++] = b;
                        } else {
                            overlong = true;
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or the file went away: nothing from it
            }
        }
        return new UdpSocketQueue(sums[0], sums[1]);
    }

    /** One line whose local address is on {@code hexPort}: its drops into {@code sums[0]}, its queue into [1]. */
    private static void add(String line, String hexPort, long[] sums) {
        String[] fields = line.trim().split("\\s+");
        // sl local_address rem_address st tx_queue:rx_queue tr tm->when retrnsmt uid timeout inode ref pointer drops
        if (fields.length < 13 || !fields[1].endsWith(hexPort)) {
            return; // the header, or the port is the remote one
        }
        sums[1] += Long.parseLong(fields[4].split(":")[1], 16);
        sums[0] += Long.parseLong(fields[fields.length - 1]);
    }

    private static boolean contains(byte[] haystack, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "socket drops %,d, receive queue %,d B", drops, receiveQueue);
    }
}
