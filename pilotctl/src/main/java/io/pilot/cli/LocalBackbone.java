package io.pilot.cli;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.control.ControlPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The backbone {@code pilotctl backbone start} runs on this machine, as remembered in
 * {@code <run dir>/backbone.pid}: {@code pid address endpoint key [status URL]}. Daemons started without
 * {@code --backbone} use it, its key pinned.
 *
 * @param statusUrl its status page, or null when it serves no HTTP
 */
record LocalBackbone(long pid, String address, String endpoint, String key, String statusUrl) {

    static Path pidFile() {
        return ControlPaths.defaultDirectory().resolve("backbone.pid");
    }

    /** The running backbone, if its process is alive; a pid file its process outlived is removed. */
    static Optional<LocalBackbone> running() throws IOException {
        Path file = pidFile();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String[] parts = Files.readString(file).trim().split(" ");
        if ((parts.length == 4 || parts.length == 5)
                && ProcessHandle.of(Long.parseLong(parts[0])).map(ProcessHandle::isAlive).orElse(false)) {
            return Optional.of(new LocalBackbone(Long.parseLong(parts[0]), parts[1], parts[2], parts[3],
                    parts.length == 5 ? parts[4] : null));
        }
        Files.deleteIfExists(file);
        return Optional.empty();
    }

    void save() throws IOException {
        Files.writeString(pidFile(), pid + " " + address + " " + endpoint + " " + key
                + (statusUrl != null ? " " + statusUrl : "") + "\n");
    }

    /** Where a node on this machine reaches it: its endpoint, with a wildcard bind replaced by loopback. */
    String reachableEndpoint() {
        return HostPort.format(HostPort.reachable(HostPort.parse(endpoint)));
    }
}
