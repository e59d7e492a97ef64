package io.pilot.cli;

import io.pilot.engine.agent.Agent;
import io.pilot.engine.control.ControlPaths;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code pilotctl daemon start}: a {@link Daemon} in the background ({@link DaemonMain} in its own process,
 * its output in {@code <run dir>/<hostname>.log}), or in the pilotctl process with {@code --foreground}.
 * Either way it returns, or prints, once the node is registered; a hostname whose daemon runs already is
 * refused before anything starts.
 */
final class DaemonLauncher {

    private DaemonLauncher() {
    }

    static int start(PilotCtl ctl, DaemonSettings settings, boolean foreground) throws Exception {
        try {
            settings.check();
        } catch (IllegalArgumentException e) {
            return ctl.usage(e.getMessage(), "fix the option and run the command again; see pilotctl daemon start --help");
        }
        Path socket = settings.socketFile();
        if (SocketLocator.answers(socket)) {
            return ctl.fail("ALREADY_RUNNING", "a node already runs as '" + settings.hostname() + "' (" + socket + ")",
                    "stop it first: pilotctl --node " + settings.hostname() + " daemon stop", PilotCtl.NODE_ERROR);
        }
        PrivateDirectory.create(ControlPaths.defaultDirectory());
        return foreground ? foreground(ctl, settings) : background(ctl, settings);
    }

    private static int background(PilotCtl ctl, DaemonSettings settings) throws Exception {
        Path log = ControlPaths.defaultDirectory().resolve(settings.hostname() + ".log");
        BackgroundProcess.Ready ready;
        try {
            ready = BackgroundProcess.start(DaemonMain.class, settings.toArgs(), settings::passSecrets, log, "READY ",
                    "is the backbone at " + settings.backbone() + " running and reachable?");
        } catch (CliException e) {
            return ctl.fail(e);
        }
        print(ctl, settings, ready.fields().get(0), ready.fields().get(1), ready.pid(), log);
        return PilotCtl.OK;
    }

    /** Runs the daemon in this process until {@code stop} arrives on its socket, or SIGTERM or Ctrl-C. */
    private static int foreground(PilotCtl ctl, DaemonSettings settings) throws InterruptedException {
        Agent daemon;
        try {
            daemon = Daemon.start(settings);
        } catch (RuntimeException e) {
            return ctl.fail("START_FAILED", "the node could not start: " + Daemon.startFailure(e),
                    "is the backbone at " + settings.backbone() + " running and reachable?", PilotCtl.NODE_ERROR);
        }
        // On SIGTERM or Ctrl-C: deregister, close the node, remove the socket.
        daemon.closeOnShutdown();
        print(ctl, settings, daemon.node().address().toString(), daemon.controlSocket().orElseThrow().toString(),
                ProcessHandle.current().pid(), null);
        daemon.awaitClosed();
        return PilotCtl.OK;
    }

    private static void print(PilotCtl ctl, DaemonSettings settings, String address, String socket, long pid, Path log) {
        if (ctl.json) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("hostname", settings.hostname());
            data.put("address", address);
            data.put("socket", socket);
            data.put("pid", pid);
            data.put("log", log == null ? null : log.toString());
            ctl.printOk(data);
        } else if (log != null) {
            ctl.out.printf("✓ %s is %s (pid %d, log %s)%n", settings.hostname(), address, pid, log);
        } else {
            ctl.out.printf("✓ %s is %s (pid %d, in the foreground: Ctrl-C stops it)%n", settings.hostname(), address, pid);
        }
    }
}
