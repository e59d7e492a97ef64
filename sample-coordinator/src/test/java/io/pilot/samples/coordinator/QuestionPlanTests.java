package io.pilot.samples.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class QuestionPlanTests {

    @Test
    void currencyCodesInCapitalsAreRatesAndTheOtherWordsTheTopic() {
        assertThat(QuestionPlan.of("What is new on attention, in USD and JPY?"))
                .isEqualTo(new QuestionPlan("attention", List.of("USD", "JPY")));
        assertThat(QuestionPlan.of("byzantine consensus")).isEqualTo(new QuestionPlan("byzantine consensus", List.of()));
        // Lower-case three-letter words are words ("all" is also Albania's lek), EUR is the base.
        assertThat(QuestionPlan.of("all-reduce rates in EUR and GBP, or GBP")).isEqualTo(new QuestionPlan("all-reduce", List.of("GBP")));
    }

    @Test
    void aQuestionWithoutATopicOrTooLongIsRefused() {
        assertThatThrownBy(() -> QuestionPlan.of(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q is required");
        assertThatThrownBy(() -> QuestionPlan.of(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QuestionPlan.of("What is the rate in USD?")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names no topic");
        assertThatThrownBy(() -> QuestionPlan.of("x".repeat(501))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than 500");
    }
}
