package io.pilot.benchmarks;

import java.util.Arrays;
import java.util.Collection;
import java.util.function.ToLongFunction;

/**
 * An immutable, sorted set of measurements (latencies in nanoseconds, or rates) with the order
 * statistics the report prints: percentiles for latency distributions, median and min/max for the
 * handful of per-iteration figures a throughput benchmark produces.
 *
 * <p>Percentiles use the nearest-rank method: p-th percentile is the smallest sample that at least p% of
 * the samples do not exceed. No interpolation, so every figure printed was actually observed.
 */
public final class Samples {

    private final double[] sorted;

    private Samples(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    public static Samples of(double... values) {
        return new Samples(values);
    }

    public static Samples of(long... values) {
        return new Samples(Arrays.stream(values).asDoubleStream().toArray());
    }

    /** One figure of each item, e.g. one field of every measured round. */
    public static <T> Samples of(Collection<T> items, ToLongFunction<? super T> figure) {
        return of(items.stream().mapToLong(figure).toArray());
    }

    public int count() {
        return sorted.length;
    }

    /** Nearest-rank percentile, {@code p} in (0, 100]. */
    public double percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    public double median() {
        return percentile(50);
    }

    public double min() {
        return sorted[0];
    }

    public double max() {
        return sorted[sorted.length - 1];
    }

    public double mean() {
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        return sum / sorted.length;
    }

    /** Half the min-to-max range relative to the median: a crude "±x%" for a few iterations. */
    public double relativeSpread() {
        double median = median();
        return median == 0 ? 0 : (max() - min()) / 2 / median;
    }
}
