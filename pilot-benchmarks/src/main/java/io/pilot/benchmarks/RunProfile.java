package io.pilot.benchmarks;

import java.time.Duration;

/**
 * How long and how often every benchmark runs. The default profile keeps the whole run under about
 * two and a half minutes on two cores; {@link #quick()} is a sanity pass of a few seconds per section; {@link #smoke()}
 * is for the unit test, which only checks that each benchmark produces sane figures.
 *
 * @param name shown in the report
 * @param pingWarmup pings (and raw UDP echoes) discarded before measuring, to get the JIT and caches warm
 * @param pingSamples pings (and raw UDP echoes) measured
 * @param throughputIterations measured iterations per contender (one more is run and discarded as warm-up)
 * @param throughputWindow length of one throughput iteration
 * @param warmupWindow length of the discarded first window of each bulk contender (sections 2 and 4): Pilot's
 *                     data path needs a few seconds of C2 compilation before it runs at full speed
 * @param handshakeBatches measured batches of fresh initiators (at least {@code HandshakeRateBenchmark.MIN_WARMUP_BATCHES} more, until the JIT settles, are run and discarded as warm-up)
 * @param handshakesPerBatch fresh initiators (hence handshakes) per batch
 * @param handshakeConcurrency handshakes in flight at once
 * @param lossIterations measured iterations per loss rate
 * @param lossWindow length of one loss iteration
 * @param messageBytes body size of one bulk message (Pilot's ceiling is 16 MiB)
 * @param backboneAgents real agent nodes in section 5's registration burst (a fifth as many more warm up first)
 * @param backboneSequential agents started one at a time, twice (fresh, and with the session already up)
 * @param backboneLeaseTtl the backbone's lease in section 5, short so that a hold of a few seconds spans
 *                         several heartbeats (agents heartbeat at a third of it)
 * @param backboneHold how long section 5 holds every registration on heartbeats alone
 * @param backboneIterations measured windows per lookup and heartbeat load (one more is run and discarded)
 * @param backboneWindow length of one load window, and of each in-process loop
 * @param backboneRecords registrations loaded into the in-process directory
 * @param callWarmup section 7: sequential calls discarded per contender before measuring
 * @param callSamples section 7: sequential calls measured per contender
 * @param callInFlight section 7: calls outstanding at once in the calls-per-second rows
 * @param callRateIterations section 7: measured windows per contender (one more is run and discarded)
 * @param callRateWindow section 7: length of one calls-per-second window
 * @param callOutageBudget section 7: longest time given to the calls made with the backbone stopped
 */
public record RunProfile(String name, int pingWarmup, int pingSamples, int throughputIterations,
                         Duration throughputWindow, Duration warmupWindow, int handshakeBatches, int handshakesPerBatch,
                         int handshakeConcurrency, int lossIterations, Duration lossWindow, int messageBytes,
                         int backboneAgents, int backboneSequential, Duration backboneLeaseTtl, Duration backboneHold,
                         int backboneIterations, Duration backboneWindow, int backboneRecords,
                         int callWarmup, int callSamples, int callInFlight, int callRateIterations,
                         Duration callRateWindow, Duration callOutageBudget) {

    private static final int MIB = 1 << 20;

    public static RunProfile standard() {
        return new RunProfile("standard", 3_000, 10_000, 5, Duration.ofSeconds(3), Duration.ofSeconds(6), 5, 300, 32, 5,
                Duration.ofSeconds(3), 16 * MIB,
                500, 50, Duration.ofSeconds(2), Duration.ofSeconds(6), 3, Duration.ofSeconds(1), 100_000,
                2_000, 10_000, 64, 3, Duration.ofSeconds(3), Duration.ofSeconds(20));
    }

    public static RunProfile quick() {
        return new RunProfile("quick", 1_000, 2_000, 3, Duration.ofSeconds(1), Duration.ofSeconds(3), 3, 100, 32, 3,
                Duration.ofSeconds(1), 16 * MIB,
                200, 20, Duration.ofSeconds(1), Duration.ofSeconds(2), 2, Duration.ofMillis(500), 20_000,
                500, 2_000, 64, 2, Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    /** Fractions of a second per benchmark: proves the wiring, not the figures. */
    public static RunProfile smoke() {
        return new RunProfile("smoke", 20, 50, 1, Duration.ofMillis(300), Duration.ofMillis(100), 1, 8, 4, 1,
                Duration.ofMillis(300), MIB,
                8, 2, Duration.ofMillis(300), Duration.ofMillis(200), 1, Duration.ofMillis(100), 200,
                5, 10, 4, 1, Duration.ofMillis(300), Duration.ofSeconds(5));
    }
}
