package io.pilot.samples.coordinator.mesh;

import java.util.Map;

/**
 * One second of the charts.
 *
 * @param atMillis when it was taken (epoch ms)
 * @param calls per capability: calls per second since the previous sample, and the window's p50 and p99
 * @param rttMillis per peer hostname: the smoothed round-trip time of this coordinator's tunnel
 */
public record ChartSample(long atMillis, Map<String, Calls> calls, Map<String, Double> rttMillis) {

    /**
     * One capability's calls.
     *
     * @param perSecond calls finished since the previous sample, per second
     * @param p50Millis the median over the last 20–30 s, or null without calls
     * @param p99Millis the 99th percentile over the same window, or null
     */
    public record Calls(double perSecond, Double p50Millis, Double p99Millis) {
    }
}
