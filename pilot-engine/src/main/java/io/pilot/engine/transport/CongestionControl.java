package io.pilot.engine.transport;

import java.util.Locale;
import java.util.random.RandomGenerator;

/** Which congestion controller a {@link Connection} runs ({@link TransportConfig.Builder#congestionControl}). */
public enum CongestionControl {

    /** RFC 9002's NewReno: halves the window on every loss episode. */
    NEWRENO,
    /** RFC 9438's CUBIC: keeps 0.7 of the window on a loss, regrows along a cubic function of time. */
    CUBIC,
    /** A BBR-style model of bandwidth and RTT; loss below 2 % per round is not read as congestion. */
    BBR;

    /** Parses a name as users write it ({@code newreno}, {@code cubic}, {@code bbr}, any case). */
    public static CongestionControl parse(String name) {
        for (CongestionControl c : values()) {
            if (c.name().equalsIgnoreCase(name.strip())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown congestion control '" + name + "': use newreno, cubic or bbr");
    }

    /** The name as users write it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A new controller for one connection; {@code random} places the BBR-style controller's probing phases. */
    CongestionController create(TransportConfig config, RttEstimator rtt, RandomGenerator random) {
        int mss = config.maxPacketPayload();
        return switch (this) {
            case NEWRENO -> new NewReno(mss, config.initialWindowPackets(), config.minimumWindowPackets());
            case CUBIC -> new Cubic(mss, config.initialWindowPackets(), config.minimumWindowPackets(), rtt);
            case BBR -> new Bbr(mss, config.initialWindowPackets(), config.minimumWindowPackets(), random);
        };
    }
}
