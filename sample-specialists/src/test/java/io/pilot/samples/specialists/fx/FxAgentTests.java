package io.pilot.samples.specialists.fx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.message.BlockingItems;
import io.pilot.engine.message.ErrorCode;
import io.pilot.samples.specialists.SpecialistTest;
import io.pilot.spring.PilotProblem;
import io.pilot.spring.PilotRemoteException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;

@ActiveProfiles("fx")
class FxAgentTests extends SpecialistTest {

    @Test
    void aRateOnASaturdayIsFridaysCrossedThroughTheEuro() {
        JsonNode rate = call("fx.rate", Map.of("base", "USD", "quote", "JPY", "date", "2023-01-14"));

        assertThat(rate.propertyNames()).containsExactly("base", "quote", "date", "requestedDate", "rate", "source");
        assertThat(rate.path("date").asString()).isEqualTo("2023-01-13");
        assertThat(rate.path("requestedDate").asString()).isEqualTo("2023-01-14");
        assertThat(rate.path("rate").decimalValue()).isEqualByComparingTo("128.556"); // 139.02 / 1.0814
        assertThat(rate.path("source").asString()).startsWith("ECB euro foreign exchange reference rates");

        JsonNode latest = call("fx.rate", Map.of("base", "EUR", "quote", "USD"));
        assertThat(latest.path("date").asString()).isEqualTo("2023-02-21");
        assertThat(latest.path("requestedDate").isNull()).isTrue();
    }

    @Test
    void convertsAndListsASeries() {
        JsonNode conversion = call("fx.convert", Map.of("amount", 100, "from", "EUR", "to", "GBP"));
        assertThat(conversion.propertyNames()).containsExactly("amount", "from", "to", "date", "rate", "result");
        assertThat(conversion.path("result").decimalValue()).isEqualTo(new BigDecimal("87.93"));

        JsonNode series = call("fx.series", Map.of("base", "EUR", "quote", "USD", "from", "2022-12-22", "to", "2022-12-28"));
        assertThat(series.propertyNames()).containsExactly("base", "quote", "points");
        assertThat(series.path("points")).hasSize(4);
        assertThat(series.path("points").get(0).propertyNames()).containsExactly("date", "rate");
    }

    @Test
    void streamsTheSeriesPointByPointInTheOrderOfTheSeries() {
        Map<String, String> range = Map.of("base", "USD", "quote", "JPY", "from", "2023-01-02", "to", "2023-01-31");
        List<JsonNode> streamed = new ArrayList<>();
        try (BlockingItems<JsonNode> points = caller().capability("fx.series.stream").streamItems(range, JsonNode.class)) {
            points.forEachRemaining(streamed::add);
        }

        JsonNode series = call("fx.series", range);
        assertThat(streamed).hasSize(series.path("points").size()).hasSizeGreaterThan(15);
        for (int i = 0; i < streamed.size(); i++) {
            assertThat(streamed.get(i)).as("point %d", i).isEqualTo(series.path("points").get(i));
        }
        assertThat(streamed.get(0).path("date").asString()).isEqualTo("2023-01-02");
    }

    @Test
    void aSeriesStreamItCannotServeIsRefusedBeforeAnyPoint() {
        try (BlockingItems<JsonNode> points = caller().capability("fx.series.stream")
                .streamItems(Map.of("base", "EUR", "quote", "XYZ"), JsonNode.class)) {
            assertThatThrownBy(points::hasNext).isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.capability()).isEqualTo("fx.series.stream");
                assertThat(e.detail()).startsWith("'quote': unknown currency XYZ; known: AUD, BGN");
            });
        }
    }

    @Test
    void badRequestsReachTheCallerInPlainWords() {
        assertRefused(() -> call("fx.rate", Map.of("base", "USD", "quote", "JPY", "date", "2024-03-15")),
                "no reference rates for 2024-03-15: the data covers 2022-09-01 to 2023-02-21");
        assertRefused(() -> call("fx.convert", Map.of("amount", -1, "from", "EUR", "to", "GBP")), "amount must not be negative, was -1");
        assertRefused(() -> call("fx.series", Map.of("base", "EUR", "quote", "USD", "from", "2023-02-01", "to", "2023-01-01")),
                "from 2023-02-01 is after to 2023-01-01");
        assertThatThrownBy(() -> call("fx.rate", Map.of("base", "USD", "quote", "XYZ")))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.detail()).startsWith("'quote': unknown currency XYZ; known: AUD, BGN");
                });
        assertThatThrownBy(() -> call("fx.convert", Map.of("amount", 1, "from", "EUR", "to", "XYZ")))
                .hasMessageContaining("'to': unknown currency XYZ;");
    }

    @Test
    void theRatesFieldsAreItsParametersAndAMissingOneIsNamed() {
        // Bound by name from the same JSON object a record would take; the date may be left out, the currencies not.
        assertThatThrownBy(() -> call("fx.rate", Map.of("base", "USD")))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.fieldErrors()).extracting(PilotProblem.FieldError::field).containsExactly("quote");
                    assertThat(e.detail()).isEqualTo("the argument of 'fx.rate' is invalid: 'quote' is required (required)");
                });
    }

    @Test
    void aDateThatIsNoDateIsAnInvalidArgumentNamingTheField() {
        assertThatThrownBy(() -> call("fx.rate", Map.of("base", "USD", "quote", "JPY", "date", "2023-13-01")))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.capability()).isEqualTo("fx.rate");
                    assertThat(e.fieldErrors()).extracting(PilotProblem.FieldError::field).containsExactly("date");
                })
                .hasMessageContaining("the argument of 'fx.rate' is invalid: 'date' must be a date like 2024-03-15");
    }

    @Test
    void isTheResearchGroupsFxSpecialist() throws Exception {
        assertPilotHealthUp("specialist-fx");
        assertThat(actuator("pilot").path("capabilities")).extracting(capability -> capability.path("name").asString())
                .containsExactlyInAnyOrder("fx.rate", "fx.convert", "fx.series", "fx.series.stream");
    }
}
