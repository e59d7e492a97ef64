package io.pilot.samples.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** The control API's checks and encodings, alone (DemoPageTests drives them against a running fleet). */
class FleetControlsTests {

    @Test
    void aLossIsAPercentageFromZeroUpToButNotIncludingAHundred() {
        assertThat(FleetControls.percent("0")).isZero();
        assertThat(FleetControls.percent(" 12.5 ")).isEqualTo(12.5);
        assertThat(FleetControls.percent("99.9")).isEqualTo(99.9);
        for (String bad : new String[] {"100", "-0.1", "150", "NaN", "Infinity", "lots", ""}) {
            assertThatIllegalArgumentException().isThrownBy(() -> FleetControls.percent(bad))
                    .withMessage("loss must be a percentage from 0 up to (not including) 100, was '" + bad + "'");
        }
        assertThatIllegalArgumentException().isThrownBy(() -> FleetControls.percent(null)).withMessageEndingWith("was missing");
    }

    @Test
    void theQueryIsDecodedAndTextIsQuotedAsJson() {
        assertThat(FleetControls.query("profile=fx&percent=12.5&name=a%20b")).containsEntry("profile", "fx")
                .containsEntry("percent", "12.5").containsEntry("name", "a b");
        assertThat(FleetControls.query(null)).isEmpty();
        assertThat(FleetControls.quote("say \"hi\"\\\n")).isEqualTo("\"say \\\"hi\\\"\\\\\\u000a\"");
        assertThat(FleetControlServer.error("unknown agent 'x'")).isEqualTo("{\"error\":\"unknown agent 'x'\"}");
    }
}
