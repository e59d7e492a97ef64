package io.pilot.samples.specialists.fx;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/** The answer to {@code fx.series}: the rate on every business day of the range, oldest first. */
public record Series(String base, String quote, List<Point> points) {

    public record Point(LocalDate date, BigDecimal rate) {
    }
}
