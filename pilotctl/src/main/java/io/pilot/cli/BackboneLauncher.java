package io.pilot.cli;

import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.MachineAddresses;
import io.pilot.engine.control.ControlPaths;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pilotctl backbone start|stop|status}: runs {@link BackboneMain} in the background and remembers it
 * as the {@link LocalBackbone}.
 */
final class BackboneLauncher {

    private static final long STOP_WAIT_MILLIS = 20_000;

    private BackboneLauncher() {
    }

    static int start(PilotCtl ctl, String bind, Path identity, String store, List<String> tcpBinds, Path tlsCert,
            Path tlsKey, boolean noTcp, String httpBind, List<String> jvmOptions) throws Exception {
        try {
            HostPort.parseBind(bind);
        } catch (IllegalArgumentException e) {
            return ctl.usage("--bind " + e.getMessage(), "e.g. --bind 0.0.0.0:7400");
        }
        WebSocketOptions webSocket;
        try {
            webSocket = WebSocketOptions.of(!noTcp, tcpBinds, tlsCert, tlsKey);
        } catch (IllegalArgumentException e) {
            return ctl.usage(e.getMessage(), "e.g. --tcp-bind 0.0.0.0:443 --tls-cert cert.pem --tls-key key.pem"
                    + " (PEM, the key in PKCS#8)");
        }
        if (httpBind != null) {
            try {
                StatusHttpBind.parse(httpBind);
            } catch (IllegalArgumentException e) {
                return ctl.usage(e.getMessage(), "e.g. --http-bind 8080 (loopback) or --http-bind 0.0.0.0:8080");
            }
        }
        for (String option : jvmOptions) {
            String problem = BackgroundProcess.jvmOptionProblem(option);
            if (problem != null) {
                return ctl.usage("--jvm-option " + option + ": " + problem, "e.g. --jvm-option=-XX:+UseZGC --jvm-option=-Xmx4g");
            }
        }
        Optional<LocalBackbone> running = LocalBackbone.running();
        if (running.isPresent()) {
            return ctl.fail("ALREADY_RUNNING", "a backbone already runs (pid " + running.get().pid() + ", "
                    + running.get().endpoint() + ")", "stop it first: pilotctl backbone stop", PilotCtl.NODE_ERROR);
        }
        Path directory = PrivateDirectory.create(ControlPaths.defaultDirectory());
        List<String> args = new ArrayList<>(List.of("--bind", bind, "--identity",
                (identity != null ? identity : directory.getParent().resolve("backbone.key")).toString()));
        if (store != null) {
            args.addAll(List.of("--store", store));
        }
        args.addAll(webSocket.toArgs());
        if (httpBind != null) {
            args.addAll(List.of("--http-bind", httpBind));
        }
        BackgroundProcess.Ready ready;
        try {
            ready = BackgroundProcess.start(BackboneMain.class, jvmOptions, args, environment -> { },
                    directory.resolve("backbone.log"), "BACKBONE ", "is " + bind + " free?");
        } catch (CliException e) {
            return ctl.fail(e);
        }
        List<String> fields = ready.fields();
        LocalBackbone backbone = new LocalBackbone(ready.pid(), fields.get(0), fields.get(1), fields.get(2),
                fields.size() > 3 ? fields.get(3) : null);
        backbone.save();
        print(ctl, backbone);
        return PilotCtl.OK;
    }

    static int stop(PilotCtl ctl) throws Exception {
        Optional<LocalBackbone> running = LocalBackbone.running();
        if (running.isEmpty()) {
            return notRunning(ctl);
        }
        Optional<ProcessHandle> process = ProcessHandle.of(running.get().pid());
        process.ifPresent(ProcessHandle::destroy);
        if (!Waiting.until(() -> !process.map(ProcessHandle::isAlive).orElse(false), STOP_WAIT_MILLIS)) {
            return ctl.fail("STOP_FAILED", "the backbone (pid " + running.get().pid() + ") is still running "
                    + STOP_WAIT_MILLIS / 1000 + " s after SIGTERM", "see its log; kill -9 " + running.get().pid()
                    + " ends it", PilotCtl.NODE_ERROR);
        }
        Files.deleteIfExists(LocalBackbone.pidFile());
        if (ctl.json) {
            ctl.printOk(Map.of("stopped", true));
        } else {
            ctl.out.println("✓ backbone stopped");
        }
        return PilotCtl.OK;
    }

    static int status(PilotCtl ctl) throws Exception {
        Optional<LocalBackbone> running = LocalBackbone.running();
        if (running.isEmpty()) {
            return notRunning(ctl);
        }
        LocalBackbone backbone = running.get();
        print(ctl, backbone, backbone.statusUrl() == null ? null : StatusFigures.read(backbone.statusUrl()));
        return PilotCtl.OK;
    }

    private static int notRunning(PilotCtl ctl) {
        return ctl.fail("NO_NODE", "no backbone is running here", "start one: pilotctl backbone start", PilotCtl.NO_NODE);
    }

    /** What other nodes pass as {@code --backbone} to reach a backbone bound to {@code endpoint}. */
    static List<String> reachAt(String endpoint) {
        return MachineAddresses.reaching(HostPort.parseBind(endpoint)).stream().map(HostPort::format).toList();
    }

    /**
     * The backbone, and what other nodes pass as {@code --backbone}: a wildcard bind ({@code [::]:7400})
     * is no address to dial, so the machine's usable addresses on that port are listed instead.
     */
    private static void print(PilotCtl ctl, LocalBackbone backbone) {
        print(ctl, backbone, null);
    }

    /** As {@link #print(PilotCtl, LocalBackbone)}, with the status page's key figures when they were read. */
    private static void print(PilotCtl ctl, LocalBackbone backbone, StatusFigures figures) {
        List<String> reachAt = reachAt(backbone.endpoint());
        if (ctl.json) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("pid", backbone.pid());
            data.put("address", backbone.address());
            data.put("endpoint", backbone.endpoint());
            data.put("reachAt", reachAt);
            data.put("key", backbone.key());
            data.put("statusUrl", backbone.statusUrl());
            if (figures != null) {
                data.put("status", figures.json());
            }
            ctl.printOk(data);
        } else {
            ctl.out.printf("✓ backbone %s on %s (pid %d)%n  key %s%n  other nodes: --backbone %s%n",
                    backbone.address(), backbone.endpoint(), backbone.pid(), backbone.key(),
                    String.join(" or --backbone ", reachAt));
            if (backbone.statusUrl() != null) {
                ctl.out.printf("  status page %s%n", backbone.statusUrl());
            }
            if (figures != null) {
                ctl.out.printf("  %s%n", figures.summary());
            }
        }
    }
}
