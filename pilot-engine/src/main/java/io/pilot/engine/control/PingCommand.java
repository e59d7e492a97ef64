package io.pilot.engine.control;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;

import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ping}: round trips to a target's echo service, one progress line per reply (or lost ping) as it
 * comes, then the summary, like ping(8); so an operator sees a path work (or stop working) while it is
 * measured. With {@code count} 0 it pings until the client hangs up.
 */
final class PingCommand implements ControlCommand {

    private static final int MAX_COUNT = 1000;
    private static final int MAX_INTERVAL_MILLIS = 60_000;
    /** How often a wait between pings looks whether the client hung up (Ctrl-C on {@code pilotctl ping}). */
    private static final long CANCEL_CHECK_MILLIS = 100;

    private final PilotNode node;
    private final Targets targets;
    private final Completion completion;

    PingCommand(PilotNode node, Targets targets, Completion completion) {
        this.node = node;
        this.targets = targets;
        this.completion = completion;
    }

    @Override
    public boolean longRunning() {
        return true;
    }

    @Override
    public ObjectNode run(Arguments args, Progress progress) {
        String target = args.string("target");
        int count = args.integer("count", 1, 0, MAX_COUNT); // 0: until the client hangs up
        int intervalMillis = args.integer("intervalMillis", 1000, 0, MAX_INTERVAL_MILLIS);
        PilotAddress address = targets.resolve(target);
        long min = Long.MAX_VALUE;
        long max = 0;
        long total = 0;
        int sent = 0;
        int received = 0;
        ControlException lastFailure = null;
        for (int seq = 1; (count == 0 || seq <= count) && !progress.cancelled(); seq++) {
            if (seq > 1 && !pause(intervalMillis, progress)) {
                break;
            }
            sent++;
            try {
                long rtt = completion.await(node.ping(address)).toNanos();
                received++;
                min = Math.min(min, rtt);
                max = Math.max(max, rtt);
                total += rtt;
                ObjectNode reply = Json.object().put("target", target).put("address", address.toString())
                        .put("rttMillis", millis(rtt)).put("seq", seq);
                progress.report(reply);
            } catch (ControlException e) {
                lastFailure = e;
                // A lost ping says so as it happens: a client that is stopped next still counts it.
                progress.report(Json.object().put("target", target).put("address", address.toString()).put("seq", seq)
                        .put("lost", true).put("reason", e.getMessage()));
            }
        }
        if (received == 0) {
            String why = lastFailure != null ? lastFailure.getMessage() : "stopped before the first ping";
            throw new ControlException(ControlError.UNREACHABLE, "no reply from " + target + " (" + address + ") to "
                    + sent + " ping(s): " + why, lastFailure);
        }
        ObjectNode summary = Json.object().put("target", target).put("address", address.toString())
                .put("sent", sent).put("received", received)
                .put("lossPercent", 100.0 * (sent - received) / sent)
                .put("minMillis", millis(min)).put("avgMillis", millis(total / received)).put("maxMillis", millis(max));
        return summary;
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    /** Waits {@code millis}, in slices so that a client that hangs up is noticed; false if it did. */
    private static boolean pause(int millis, Progress progress) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        try {
            for (long left = millis; left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
                if (progress.cancelled()) {
                    return false;
                }
                Thread.sleep(Math.min(left, CANCEL_CHECK_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ControlError.INTERNAL, "interrupted between pings", e);
        }
        return !progress.cancelled();
    }
}
