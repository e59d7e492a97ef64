package io.pilot.cli;

import java.util.Locale;

/** Sizes and rates for people: binary units, three significant digits at most. */
final class HumanUnits {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private HumanUnits() {
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 12.3 MiB}. */
    static String bytes(double bytes) {
        int unit = 0;
        while (bytes >= 1024 && unit < UNITS.length - 1) {
            bytes /= 1024;
            unit++;
        }
        if (unit == 0) {
            return Math.round(bytes) + " B";
        }
        return String.format(Locale.ROOT, bytes < 10 ? "%.2f %s" : bytes < 100 ? "%.1f %s" : "%.0f %s", bytes, UNITS[unit]);
    }

    /** {@link #bytes} per second. */
    static String bytesPerSecond(double bytes) {
        return bytes(bytes) + "/s";
    }

    /** An event rate: {@code 0}, {@code 2.5}, {@code 340}. */
    static String perSecond(double rate) {
        return rate == 0 ? "0" : String.format(Locale.ROOT, rate < 10 ? "%.1f" : "%.0f", rate);
    }
}
