package io.pilot.cli;

import io.pilot.engine.agent.Agent;

/**
 * The standalone agent daemon that {@code pilotctl daemon start} launches in the background: a
 * {@link Daemon} in its own process. Prints one line for its launcher once the node is discoverable:
 * {@code READY <address> <control socket>}; exits 2 on bad arguments, 1 if the node cannot start.
 * <pre>
 * DaemonMain --hostname H --backbone HOST:PORT [--backbone-key KEY] [--group G]... [--capability C]...
 *            [--bind HOST:PORT] [--identity FILE] [--socket FILE]
 * </pre>
 * The realm's join token, if the backbone requires one, comes in {@code PILOT_JOIN_TOKEN}, never on its command line.
 * A refused start prints {@code error: <why>} (with what to give, for a join token) and exits 1.
 */
public final class DaemonMain {

    private DaemonMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        DaemonSettings settings;
        try {
            settings = DaemonSettings.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Agent daemon;
        try {
            daemon = Daemon.start(settings);
        } catch (RuntimeException e) {
            System.err.println("error: " + Daemon.startFailure(e));
            System.exit(1);
            return;
        }
        daemon.closeOnShutdown();
        System.out.println("READY " + daemon.node().address() + " " + daemon.controlSocket().orElseThrow());
        System.out.flush();
        daemon.awaitClosed();
        System.exit(0);
    }
}
