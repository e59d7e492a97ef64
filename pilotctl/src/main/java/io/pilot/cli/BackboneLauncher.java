package io.pilot.cli;

import io.pilot.engine.backbone.BackboneMain;
import io.pilot.engine.control.ControlPaths;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pilotctl backbone start|stop|status}: runs {@link BackboneMain} in the background and remembers it
 * in {@code <run dir>/backbone.pid} as {@code pid address endpoint key}.
 */
final class BackboneLauncher {

    private static final long READY_TIMEOUT_MILLIS = 60_000;

    private BackboneLauncher() {
    }

    static int start(PilotCtl ctl, String bind, Path identity, Path store) throws Exception {
        try {
            Targets.hostPort(bind);
        } catch (IllegalArgumentException e) {
            return ctl.fail("BAD_REQUEST", "--bind " + e.getMessage(), "e.g. --bind 0.0.0.0:7400", 2);
        }
        Optional<String[]> running = running();
        if (running.isPresent()) {
            return ctl.fail("ALREADY_RUNNING", "a backbone already runs (pid " + running.get()[0] + ", " + running.get()[2] + ")",
                    "stop it first: pilotctl backbone stop", PilotCtl.NODE_ERROR);
        }
        Path directory = ControlPaths.defaultDirectory();
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path log = directory.resolve("backbone.log");
        Files.deleteIfExists(log);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), BackboneMain.class.getName(), "--bind", bind,
                "--identity", (identity != null ? identity : directory.getParent().resolve("backbone.key")).toString()));
        if (store != null) {
            command.add("--store");
            command.add(store.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            Optional<String> line = Files.readAllLines(log).stream().filter(l -> l.startsWith("BACKBONE ")).findFirst();
            if (line.isPresent()) {
                String[] parts = line.get().split(" ");
                Files.writeString(pidFile(), process.pid() + " " + parts[1] + " " + parts[2] + " " + parts[3] + "\n");
                print(ctl, process.pid(), parts[1], parts[2], parts[3]);
                return PilotCtl.OK;
            }
            if (!process.isAlive()) {
                return ctl.fail("START_FAILED", "the backbone exited with status " + process.exitValue(), "see " + log,
                        PilotCtl.NODE_ERROR);
            }
            Thread.sleep(100);
        }
        process.destroy();
        return ctl.fail("START_FAILED", "the backbone did not start within 60 s", "see " + log, PilotCtl.NODE_ERROR);
    }

    static int stop(PilotCtl ctl) throws Exception {
        Optional<String[]> running = running();
        if (running.isEmpty()) {
            return ctl.fail("NO_NODE", "no backbone is running", "start one: pilotctl backbone start", PilotCtl.NO_NODE);
        }
        ProcessHandle process = ProcessHandle.of(Long.parseLong(running.get()[0])).orElseThrow();
        process.destroy();
        process.onExit().get(java.time.Duration.ofSeconds(20).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        Files.deleteIfExists(pidFile());
        if (ctl.json) {
            ctl.out.println(ControlConnection.JSON.writeValueAsString(Map.of("status", "ok", "data", Map.of("stopped", true))));
        } else {
            ctl.out.println("✓ backbone stopped");
        }
        return PilotCtl.OK;
    }

    static int status(PilotCtl ctl) throws Exception {
        Optional<String[]> running = running();
        if (running.isEmpty()) {
            return ctl.fail("NO_NODE", "no backbone is running", "start one: pilotctl backbone start", PilotCtl.NO_NODE);
        }
        String[] parts = running.get();
        print(ctl, Long.parseLong(parts[0]), parts[1], parts[2], parts[3]);
        return PilotCtl.OK;
    }

    private static void print(PilotCtl ctl, long pid, String address, String endpoint, String key) {
        if (ctl.json) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("pid", pid);
            data.put("address", address);
            data.put("endpoint", endpoint);
            data.put("key", key);
            ctl.out.println(ControlConnection.JSON.writeValueAsString(Map.of("status", "ok", "data", data)));
        } else {
            ctl.out.printf("✓ backbone %s on %s (pid %d)%n  key %s%n", address, endpoint, pid, key);
        }
    }

    /** The running backbone's pid file fields, if its process is alive; a stale file is removed. */
    private static Optional<String[]> running() throws Exception {
        Path file = pidFile();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String[] parts = Files.readString(file).trim().split(" ");
        if (parts.length == 4 && ProcessHandle.of(Long.parseLong(parts[0])).map(ProcessHandle::isAlive).orElse(false)) {
            return Optional.of(parts);
        }
        Files.deleteIfExists(file);
        return Optional.empty();
    }

    private static Path pidFile() {
        return ControlPaths.defaultDirectory().resolve("backbone.pid");
    }
}
