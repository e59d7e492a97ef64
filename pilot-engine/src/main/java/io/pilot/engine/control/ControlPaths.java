package io.pilot.engine.control;

import io.pilot.engine.address.PilotAddress;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a node's control socket lives, so that {@code pilotctl} finds every node of the user without being
 * told: one directory per user, one socket per node named after its hostname (or its address).
 */
public final class ControlPaths {

    private ControlPaths() {
    }

    /**
     * {@code $PILOT_HOME/run} if PILOT_HOME is set, else {@code $XDG_RUNTIME_DIR/pilot} (a per-user tmpfs on
     * systemd hosts) if set, else {@code ~/.pilot/run}.
     */
    public static Path defaultDirectory() {
        return defaultDirectory(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static Path defaultDirectory(Map<String, String> environment, Path home) {
        String pilotHome = environment.get("PILOT_HOME");
        if (pilotHome != null && !pilotHome.isBlank()) {
            return Path.of(pilotHome, "run");
        }
        String runtime = environment.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "pilot");
        }
        return home.resolve(".pilot").resolve("run");
    }

    /** {@code <hostname>.sock}, or {@code node-<address>.sock} for a node without a hostname (null). */
    public static String socketName(String hostname, PilotAddress address) {
        if (hostname != null && !hostname.isBlank()) {
            return hostname + ".sock";
        }
        return "node-" + Objects.requireNonNull(address, "address") + ".sock";
    }

    /** The default socket of a node: {@link #defaultDirectory()} and {@link #socketName}. */
    public static Path defaultSocket(String hostname, PilotAddress address) {
        return defaultDirectory().resolve(socketName(hostname, address));
    }
}
