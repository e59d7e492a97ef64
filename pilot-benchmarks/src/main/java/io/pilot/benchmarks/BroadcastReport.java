package io.pilot.benchmarks;

import java.util.Locale;

/** Section 10 of the report: one broadcast to a group of real members. */
final class BroadcastReport {

    private final BroadcastBenchmark.Result result;
    private final StringBuilder md = new StringBuilder();

    BroadcastReport(BroadcastBenchmark.Result result) {
        this.result = result;
    }

    String render() {
        BroadcastBenchmark.Result r = result;
        line("## 10. Broadcast to a group");
        line("");
        String loops = r.memberLoops() > 0
                ? String.format(Locale.ROOT, "its own UDP socket on 127.0.0.1 with 256 KiB socket buffers; the members "
                        + "share %d event loop threads (`PilotNode.Builder.eventLoops(SharedEventLoops.create(%d))`, what "
                        + "a process hosting many nodes would use) instead of one thread each", r.memberLoops(),
                        r.memberLoops())
                : "its own UDP socket and event loop on 127.0.0.1, 256 KiB socket buffers";
        line(String.format(Locale.ROOT, "`GroupMessaging.broadcast` of one 4-byte one-way message from a sender to %d "
                + "other members of one group. Every member is a real node (%s), registered with its own directory "
                + "client on one real backbone; all %d nodes, the backbone and the sender run in this JVM on the same "
                + "cores, the members sharing one 2-thread handler pool; the sender and the backbone have event loops of "
                + "their own. The sender watches the group (`watchMembers`), so a broadcast asks the backbone "
                + "nothing. The first broadcast is cold (a handshake with every member, all initiated at once); then %d "
                + "warm rounds over the sessions it made. A round ends when every member has received its copy.",
                r.members(), loops, r.members() + 2, r.rounds()));
        line("");
        line("| | to last member (median) | min - max | to median member | future completed | process CPU | sender loop CPU |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        BroadcastBenchmark.Round cold = r.cold();
        line(String.format(Locale.ROOT, "| first broadcast (cold, %d handshakes) | %s | - | %s | %s | %s | %s |",
                r.members(), ms(cold.lastDeliveryNanos()), ms(cold.medianDeliveryNanos()), ms(cold.handedOverNanos()),
                ms(cold.processCpuNanos()), ms(cold.senderLoopCpuNanos())));
        line(String.format(Locale.ROOT, "| warm broadcast (%d rounds) | %s | %s - %s | %s | %s | %s | %s |", r.rounds(),
                ms(r.lastDeliveryNanos().median()), ms(r.lastDeliveryNanos().min()), ms(r.lastDeliveryNanos().max()),
                ms(r.medianDeliveryNanos().median()), ms(r.handedOverNanos().median()),
                ms(r.processCpuNanos().median()), ms(r.senderLoopCpuNanos().median())));
        Samples onLoopLast = Samples.of(r.onLoop(), BroadcastBenchmark.Round::lastDeliveryNanos);
        line(String.format(Locale.ROOT, "| warm broadcast, members' handlers on their event loops (%d rounds) | %s | %s - %s "
                + "| %s | %s | %s | %s |", r.onLoop().size(), ms(onLoopLast.median()), ms(onLoopLast.min()),
                ms(onLoopLast.max()), ms(Samples.of(r.onLoop(), BroadcastBenchmark.Round::medianDeliveryNanos).median()),
                ms(Samples.of(r.onLoop(), BroadcastBenchmark.Round::handedOverNanos).median()),
                ms(Samples.of(r.onLoop(), BroadcastBenchmark.Round::processCpuNanos).median()),
                ms(Samples.of(r.onLoop(), BroadcastBenchmark.Round::senderLoopCpuNanos).median())));
        for (BroadcastBenchmark.Floor floor : r.floors()) {
            line(String.format(Locale.ROOT, "| floor: raw UDP fan-out, %s (%d rounds) | %s | %s - %s | %s | %s | %s | %s |",
                    readers(floor.readerThreads()), floor.lastNanos().count(), ms(floor.lastNanos().median()),
                    ms(floor.lastNanos().min()), ms(floor.lastNanos().max()), ms(floor.medianNanos().median()),
                    ms(floor.sentNanos().median()), ms(floor.processCpuNanos().mean()),
                    ms(floor.senderCpuNanos().median())));
        }
        line("");
        line(String.format(Locale.ROOT, "The row with the members' handlers on their event loops is as many warm "
                + "rounds again over the same sessions, after each member's handler was moved onto its node's event "
                + "loop (an on-loop handler, `PilotNode.listen(port, handler, max, onLoop)`, as "
                + "`@Capability(eventLoop = true)` uses): a member counts its copy where it reads it and ends the stream "
                + "in the same read batch, with no handler thread woken and no second turn of its loop. To the last "
                + "member: **%.0f× the unicast RTT**.", r.onLoopLastDeliveryInRtts()));
        line("");
        line(String.format(Locale.ROOT, "The floor rows are what the machine allows without Pilot, measured in the same "
                + "run before any node starts: one plain UDP socket sends the same 4-byte datagram to %d receiver "
                + "sockets on loopback (no crypto, framing or acknowledgement; one `send` each) and a round ends when "
                + "the last receiver has read its copy; \"future completed\" is the end of the send loop and \"sender loop "
                + "CPU\" the sending thread's; their process CPU is the mean over rounds, as the process's CPU clock counts in "
                + "10 ms ticks. In Pilot's unicast RTTs the floor's last delivery is %s; a raw UDP echo's "
                + "round trip is p50 %s, p99 %s.",
                r.members(), floorRatios(r), MarkdownReport.micros(r.rawUdpRttNanos().median()),
                MarkdownReport.micros(r.rawUdpRttNanos().percentile(99))));
        line("");
        line(String.format(Locale.ROOT, "Unicast round trip (sender's ping to members over the same sessions, %d "
                + "pings): p50 %s, p99 %s. Warm delivery to the last member = **%.0f× the unicast RTT** (target ≤ 10×). "
                + "Copies received: %,d for %,d expected (%d rounds × %d members; more would be a duplicate, fewer a "
                + "loss), members a broadcast's result named unreached: %d. Handshakes the sender completed from the "
                + "cold broadcast on: %,d for %d members (more than one each: members' punches back, which the "
                + "sender's lookups ask the backbone for, crossed its own handshakes).",
                r.unicastRttNanos().count(), MarkdownReport.micros(r.unicastRttNanos().median()),
                MarkdownReport.micros(r.unicastRttNanos().percentile(99)), r.lastDeliveryInRtts(), r.copies(),
                (long) (2 * r.rounds() + 1) * r.members(), 2 * r.rounds() + 1, r.members(), r.failed(), r.coldHandshakes(),
                r.members()));
        line("");
        if (r.loopsWaitNanos().min() >= 0) {
            line(String.format(Locale.ROOT, "Over the median warm round the nodes' event loops (sender's, members', "
                    + "backbone's) ran %s and were ready but waited %s in the kernel's run queue for a core (summed over "
                    + "the threads, so more than the round lasted when several wait at once; median of rounds; the cold "
                    + "round: ran %s, waited %s): time copies spend waiting for a core to run their "
                    + "member's loop, which fewer wake-ups or more cores remove and a cheaper protocol does not.", ms(r.loopsRunNanos().median()),
                    ms(r.loopsWaitNanos().median()), ms(cold.loops().runNanos()), ms(cold.loops().waitNanos())));
            line("");
        }
        line(String.format(Locale.ROOT, "At rest (all members up, nothing sent, %.0f s) the process uses %.2f cores: "
                + "the %d nodes' timers, heartbeats and the backbone, and the JIT, which every round's process CPU "
                + "includes too (%.0f ms of it over a round as long as the median warm one); of it the nodes' event "
                + "loops %.3f cores, %.0f µs of CPU per node per second.", r.restMillis() / 1000.0,
                r.restingCores(), r.members() + 2, r.restingCores() * r.lastDeliveryNanos().median() / 1e6,
                r.restingLoopCores(), r.restingLoopCores() * 1e6 / (r.members() + 2)));
        line("");
        String receivers = r.memberLoops() > 0
                ? String.format(Locale.ROOT, "the receivers' %d shared loops", r.memberLoops())
                : String.format(Locale.ROOT, "the receivers' %d loops", r.members());
        line(String.format(Locale.ROOT, "*Reading.* A warm broadcast costs the process %.0f µs of CPU per member "
                + "(sender, %d receivers and their acknowledgements together, the resting share included), of which the "
                + "sender's event loop %.0f µs: all copies are handed to that loop as one task (`PilotNode.sendEach`), each "
                + "opened as a stream, framed and sealed there, and the socket is flushed once, so the copies leave in "
                + "`sendmmsg` batches rather than one `sendto` each. A unicast RTT is one message on an idle pair; a "
                + "broadcast is %d of them queued behind each other on the sender's loop and spread over %s on 2 cores, "
                + "so on this machine the ratio measures the cores more than the protocol. The floor rows say how "
                + "much: with nothing but a `send` and a `receive` per copy, one thread per receiver takes %s to reach "
                + "the last of %d (each copy wakes a different thread, %d threads take turns on 2 cores), %d shared "
                + "readers %s (each wake-up drains every socket that became readable meanwhile). Both are bounded by "
                + "wake-ups and cores, not by the network: loopback carries a 4-byte datagram in microseconds.",
                r.processCpuNanos().median() / 1e3 / r.members(), r.members(),
                r.senderLoopCpuNanos().median() / 1e3 / r.members(), r.members(), receivers,
                ms(floor(r, 0).lastNanos().median()), r.members(), r.members(),
                BroadcastBenchmark.FLOOR_SHARED_READERS,
                ms(floor(r, BroadcastBenchmark.FLOOR_SHARED_READERS).lastNanos().median())));
        line("");
        return md.toString();
    }

    private static BroadcastBenchmark.Floor floor(BroadcastBenchmark.Result r, int readerThreads) {
        return r.floors().stream().filter(f -> f.readerThreads() == readerThreads).findFirst().orElseThrow();
    }

    private static String readers(int readerThreads) {
        return readerThreads == 0 ? "one reader thread per socket"
                : String.format(Locale.ROOT, "%d reader threads, one selector each", readerThreads);
    }

    private static String floorRatios(BroadcastBenchmark.Result r) {
        StringBuilder text = new StringBuilder();
        for (BroadcastBenchmark.Floor floor : r.floors()) {
            text.append(text.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.1f× with %s",
                    floor.lastInRtts(r.unicastRttNanos()), readers(floor.readerThreads())));
        }
        return text.append(String.format(Locale.ROOT, " (Pilot's broadcast: %.0f×)", r.lastDeliveryInRtts()))
                .toString();
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}
