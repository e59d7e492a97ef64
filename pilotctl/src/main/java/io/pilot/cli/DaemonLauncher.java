package io.pilot.cli;

import io.pilot.engine.control.ControlPaths;
import io.pilot.engine.directory.Names;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pilotctl daemon start}: launches {@link DaemonMain} as a background process (its output in
 * {@code <run dir>/<hostname>.log}) and returns once it reports itself registered.
 */
final class DaemonLauncher {

    private static final long READY_TIMEOUT_MILLIS = 60_000;

    private DaemonLauncher() {
    }

    static int start(PilotCtl ctl, String hostname, String backbone, String key, List<String> groups) throws Exception {
        try {
            Names.checkHostname(hostname);
            Targets.hostPort(backbone);
            groups.forEach(Names::checkGroup);
        } catch (IllegalArgumentException e) {
            return ctl.fail("BAD_REQUEST", e.getMessage(), "fix the option and run the command again", 2);
        }
        Path directory = ControlPaths.defaultDirectory();
        Path socket = directory.resolve(hostname + ".sock");
        if (answers(socket)) {
            return ctl.fail("ALREADY_RUNNING", "a daemon already runs as '" + hostname + "' (" + socket + ")",
                    "stop it first: pilotctl daemon stop --node " + hostname, PilotCtl.NODE_ERROR);
        }
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path log = directory.resolve(hostname + ".log");
        Files.deleteIfExists(log);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                DaemonMain.class.getName(), "--hostname", hostname, "--backbone", backbone));
        if (key != null && !key.isBlank()) {
            command.add("--backbone-key");
            command.add(key);
        }
        groups.forEach(g -> {
            command.add("--group");
            command.add(g);
        });
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            Optional<String> ready = readyLine(log);
            if (ready.isPresent()) {
                String[] parts = ready.get().split(" ");
                if (ctl.json) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("hostname", hostname);
                    data.put("address", parts[1]);
                    data.put("socket", parts[2]);
                    data.put("pid", process.pid());
                    data.put("log", log.toString());
                    ctl.out.println(ControlConnection.JSON.writeValueAsString(Map.of("status", "ok", "data", data)));
                } else {
                    ctl.out.printf("✓ %s is %s (pid %d, log %s)%n", hostname, parts[1], process.pid(), log);
                }
                return PilotCtl.OK;
            }
            if (!process.isAlive()) {
                return ctl.fail("START_FAILED", "the daemon exited with status " + process.exitValue() + ": "
                        + lastLines(log), "see " + log, PilotCtl.NODE_ERROR);
            }
            Thread.sleep(100);
        }
        process.destroy();
        return ctl.fail("START_FAILED", "the daemon did not register within " + READY_TIMEOUT_MILLIS / 1000 + " s",
                "is the backbone at " + backbone + " reachable? see " + log, PilotCtl.NODE_ERROR);
    }

    private static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException stale) {
            return false;
        }
    }

    private static Optional<String> readyLine(Path log) throws IOException {
        if (!Files.exists(log)) {
            return Optional.empty();
        }
        return Files.readAllLines(log).stream().filter(l -> l.startsWith("READY ")).findFirst();
    }

    private static String lastLines(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
