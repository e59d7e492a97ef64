package io.pilot.cli;

import java.io.PrintWriter;

import tools.jackson.databind.JsonNode;

/**
 * What {@code pilotctl ping} has seen of a ping run, line by line: it prints each reply or lost ping as it
 * comes, and, if the run is stopped (Ctrl-C) before the node's own summary arrives, a summary of what it saw,
 * as ping(8) does.
 */
final class PingTally {

    private final PrintWriter out;
    private int sent;
    private int received;
    private double min = Double.MAX_VALUE;
    private double max;
    private double total;
    private boolean finished;

    PingTally(PrintWriter out) {
        this.out = out;
    }

    /** One progress line of the node: a reply, or a lost ping. */
    synchronized void progress(JsonNode line) {
        if (finished) {
            return; // a reply that came in while Ctrl-C's summary was printed: the summary is the last line
        }
        sent = Math.max(sent, line.path("seq").asInt());
        if (line.path("lost").asBoolean(false)) {
            out.printf("✗ no reply from %s (seq %d): %s%n", line.path("address").asString(), line.path("seq").asInt(),
                    line.path("reason").asString());
            return;
        }
        double rtt = line.path("rttMillis").asDouble();
        received++;
        min = Math.min(min, rtt);
        max = Math.max(max, rtt);
        total += rtt;
        out.printf("✓ reply from %s · %sms%n", line.path("address").asString(), PilotCtl.millis(rtt));
    }

    /** The node's summary: the run ended by itself. */
    synchronized void summary(JsonNode summary) {
        finished = true;
        print(summary.path("sent").asInt(), summary.path("received").asInt(), summary.path("lossPercent").asDouble(),
                summary.path("minMillis").asDouble(), summary.path("avgMillis").asDouble(),
                summary.path("maxMillis").asDouble());
    }

    /** The run was stopped before the node's summary: the summary of the replies seen. */
    synchronized void interrupted() {
        if (finished || sent == 0) {
            return;
        }
        finished = true;
        if (received == 0) {
            out.printf("%d sent, 0 received, 100%% loss%n", sent);
        } else {
            print(sent, received, 100.0 * (sent - received) / sent, min, total / received, max);
        }
        out.flush();
    }

    /** Whether the node's summary (or the interrupted one) was printed. */
    synchronized boolean finished() {
        return finished;
    }

    private void print(int sent, int received, double lossPercent, double min, double avg, double max) {
        out.printf("%d sent, %d received, %.0f%% loss · min/avg/max %s/%s/%s ms%n", sent, received, lossPercent,
                PilotCtl.millis(min), PilotCtl.millis(avg), PilotCtl.millis(max));
    }
}
