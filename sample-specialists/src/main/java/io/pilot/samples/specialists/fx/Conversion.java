package io.pilot.samples.specialists.fx;

import java.math.BigDecimal;
import java.time.LocalDate;

/** The answer to {@code fx.convert}: {@code amount} {@code from} is {@code result} {@code to} at {@code rate}. */
public record Conversion(BigDecimal amount, String from, String to, LocalDate date, BigDecimal rate, BigDecimal result) {
}
