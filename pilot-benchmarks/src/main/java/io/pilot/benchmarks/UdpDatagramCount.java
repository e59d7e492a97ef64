package io.pilot.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The UDP datagrams this machine's kernel has delivered to sockets so far ({@code InDatagrams} of the {@code Udp:}
 * lines of {@code /proc/net/snmp}), all processes together: around a window in which only the processes measured send
 * UDP, how many datagrams their calls took. Empty where the file is missing or unreadable (not Linux).
 */
final class UdpDatagramCount {

    private static final Path SNMP = Path.of("/proc/net/snmp");

    private UdpDatagramCount() {
    }

    static OptionalLong received() {
        try {
            return parse(Files.readAllLines(SNMP));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The {@code InDatagrams} value from the two {@code Udp:} lines (names, then values); empty if absent. */
    static OptionalLong parse(List<String> lines) {
        String[] names = null;
        for (String line : lines) {
            if (!line.startsWith("Udp: ")) {
                continue;
            }
            String[] fields = line.substring(5).trim().split("\\s+");
            if (names == null) {
                names = fields;
                continue;
            }
            for (int i = 0; i < names.length && i < fields.length; i++) {
                if (names[i].equals("InDatagrams")) {
                    return OptionalLong.of(Long.parseLong(fields[i]));
                }
            }
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
