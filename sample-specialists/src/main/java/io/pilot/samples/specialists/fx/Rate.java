package io.pilot.samples.specialists.fx;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * The answer to {@code fx.rate}: one {@code base} buys {@code rate} {@code quote} on {@code date}, the business
 * day the rate was published for; {@code requestedDate} is the date asked for (null: the latest).
 */
public record Rate(String base, String quote, LocalDate date, LocalDate requestedDate, BigDecimal rate, String source) {
}
