package io.pilot.engine.control;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotAddress;

import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ping}: round trips to a target's echo service, one progress line per reply as it comes, then the
 * summary, like ping(8); so an operator sees a path work (or stop working) while it is measured.
 */
final class PingCommand implements ControlCommand {

    private static final int MAX_COUNT = 1000;
    private static final int MAX_INTERVAL_MILLIS = 60_000;

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
        int count = args.integer("count", 1, 1, MAX_COUNT);
        int intervalMillis = args.integer("intervalMillis", 1000, 0, MAX_INTERVAL_MILLIS);
        PilotAddress address = targets.resolve(target);
        long min = Long.MAX_VALUE;
        long max = 0;
        long total = 0;
        int received = 0;
        ControlException lastFailure = null;
        for (int seq = 1; seq <= count; seq++) {
            if (seq > 1) {
                pause(intervalMillis);
            }
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
            }
        }
        if (received == 0) {
            throw new ControlException(ControlError.UNREACHABLE, "no reply from " + target + " (" + address + ") to "
                    + count + " ping(s): " + lastFailure.getMessage(), lastFailure);
        }
        ObjectNode summary = Json.object().put("target", target).put("address", address.toString())
                .put("sent", count).put("received", received)
                .put("lossPercent", 100.0 * (count - received) / count)
                .put("minMillis", millis(min)).put("avgMillis", millis(total / received)).put("maxMillis", millis(max));
        return summary;
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    private static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ControlError.INTERNAL, "interrupted between pings", e);
        }
    }
}
