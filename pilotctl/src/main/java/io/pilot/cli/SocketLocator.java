package io.pilot.cli;

import io.pilot.engine.control.ControlPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the node a command is for: {@code --socket PATH}, else {@code --node HOSTNAME} (or {@code PILOT_NODE}),
 * else the only node running for this user.
 */
final class SocketLocator {

    private SocketLocator() {
    }

    static Path locate(Path socket, String node) throws CliException {
        if (socket != null) {
            return socket;
        }
        String name = node != null ? node : System.getenv("PILOT_NODE");
        Path directory = ControlPaths.defaultDirectory();
        if (name != null && !name.isBlank()) {
            Path path = directory.resolve(name + ".sock");
            if (!Files.exists(path)) {
                throw new CliException("NO_NODE", "no node '" + name + "' is running (no " + path + ")",
                        "start it with: pilotctl daemon start --hostname " + name + " --backbone HOST:PORT");
            }
            return path;
        }
        List<Path> sockets;
        try (Stream<Path> files = Files.exists(directory) ? Files.list(directory) : Stream.empty()) {
            sockets = files.filter(p -> p.getFileName().toString().endsWith(".sock")).sorted().toList();
        } catch (IOException e) {
            throw new CliException("NO_NODE", "cannot list " + directory + ": " + e.getMessage(), "check PILOT_HOME");
        }
        if (sockets.isEmpty()) {
            throw new CliException("NO_NODE", "no Pilot node is running for this user (nothing in " + directory + ")",
                    "start one with: pilotctl daemon start --hostname NAME --backbone HOST:PORT");
        }
        if (sockets.size() > 1) {
            throw new CliException("SEVERAL_NODES", sockets.size() + " nodes are running: " + sockets.stream()
                    .map(p -> p.getFileName().toString().replace(".sock", "")).toList(),
                    "choose one with --node HOSTNAME (or PILOT_NODE), or --socket PATH");
        }
        return sockets.get(0);
    }
}
