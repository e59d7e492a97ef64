package io.pilot.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeadlineHeaderTests {

    @Test
    void wholeMillisecondsUpToTheMaximum() throws FrameException {
        assertThat(DeadlineHeader.parse(null)).isEqualTo(DeadlineHeader.ABSENT);
        assertThat(DeadlineHeader.parse("0")).isZero();
        assertThat(DeadlineHeader.parse("0750")).isEqualTo(750);
        assertThat(DeadlineHeader.parse("2147483647")).isEqualTo(DeadlineHeader.MAX_MILLIS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "+1", " 1", "1 ", "1.5", "1e3", "0x10", "٣", "2147483648", "99999999999"})
    void anythingElseIsAProtocolError(String value) {
        assertThatThrownBy(() -> DeadlineHeader.parse(value)).isInstanceOfSatisfying(FrameException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL))
                .hasMessage("header deadline must be whole milliseconds from 0 to 2147483647, got '" + value + "'");
    }

    @Test
    void aTimeoutIsSentRoundedDownAndCapped() {
        assertThat(DeadlineHeader.millisOf(TimeUnit.MICROSECONDS.toNanos(1999))).isEqualTo(1);
        assertThat(DeadlineHeader.millisOf(0)).isZero();
        assertThat(DeadlineHeader.millisOf(TimeUnit.DAYS.toNanos(400))).isEqualTo(DeadlineHeader.MAX_MILLIS);
    }
}
