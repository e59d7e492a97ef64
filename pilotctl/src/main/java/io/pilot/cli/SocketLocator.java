package io.pilot.cli;

import io.pilot.engine.control.ControlPaths;
import io.pilot.engine.directory.Names;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the node a command is for: {@code --socket PATH}, else {@code --node HOSTNAME} (or {@code PILOT_NODE}),
 * else the only node running for this user. A socket file nothing accepts on is what a killed node leaves
 * behind: it is reported as such and never counted as a running node. It is not deleted here: a node
 * starting at that moment may be about to replace it, and the node does that itself when it starts.
 */
final class SocketLocator {

    private SocketLocator() {
    }

    static Path locate(Path socket, String node) throws CliException {
        if (socket != null) {
            return live(socket, "no node serves " + socket);
        }
        String name = node != null ? node : System.getenv("PILOT_NODE");
        Path directory = ControlPaths.defaultDirectory();
        if (name != null && !name.isBlank()) {
            try {
                Names.checkHostname(name);
            } catch (IllegalArgumentException e) {
                // Also keeps a name like ../x from pointing outside the run directory.
                throw new CliException("BAD_USAGE", (node != null ? "--node: " : "PILOT_NODE: ") + e.getMessage(),
                        "give the node's hostname, or its socket with --socket PATH", PilotCtl.USAGE);
            }
            return live(directory.resolve(name + ".sock"), "no node '" + name + "' is running");
        }
        List<Path> sockets = sockets(directory);
        List<Path> live = sockets.stream().filter(SocketLocator::answers).toList();
        if (live.size() == 1) {
            return live.get(0);
        }
        if (live.size() > 1) {
            throw new CliException("SEVERAL_NODES", live.size() + " nodes are running: " + String.join(", ",
                    live.stream().map(SocketLocator::hostname).toList()),
                    "choose one with --node HOSTNAME (or PILOT_NODE), or --socket PATH", PilotCtl.NO_NODE);
        }
        String stale = sockets.isEmpty() ? "" : " (stale sockets of nodes that died: " + String.join(", ",
                sockets.stream().map(SocketLocator::hostname).toList()) + ")";
        throw new CliException("NO_NODE", "no Pilot node is running for this user in " + directory + stale,
                "start one with: pilotctl daemon start --hostname NAME", PilotCtl.NO_NODE);
    }

    /** Whether a live node accepts on {@code socket}: false for a missing file or one left by a dead node. */
    static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException | RuntimeException nothingAccepts) {
            return false;
        }
    }

    private static Path live(Path socket, String notRunning) throws CliException {
        if (answers(socket)) {
            return socket;
        }
        if (Files.exists(socket)) {
            throw new CliException("NO_NODE", notRunning + ": " + socket + " is a stale socket (its node died without"
                    + " removing it)", "start the node again, which replaces the file: pilotctl daemon start --hostname "
                    + hostname(socket), PilotCtl.NO_NODE);
        }
        throw new CliException("NO_NODE", notRunning + " (no " + socket + ")", "start it with: pilotctl daemon start"
                + " --hostname " + hostname(socket), PilotCtl.NO_NODE);
    }

    private static List<Path> sockets(Path directory) throws CliException {
        try (Stream<Path> files = Files.exists(directory) ? Files.list(directory) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sock")).sorted().toList();
        } catch (IOException e) {
            throw new CliException("NO_NODE", "cannot list " + directory + ": " + e.getMessage(), "check PILOT_HOME", PilotCtl.NO_NODE);
        }
    }

    private static String hostname(Path socket) {
        return socket.getFileName().toString().replaceFirst("\\.sock$", "");
    }
}
