package io.pilot.samples.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** bin/demo's command line: what it takes, and what it refuses, saying why. */
class DemoOptionsTests {

    @Test
    void defaultsAndEveryOption() {
        DemoMain.Options defaults = DemoMain.Options.parse(new String[0]);
        assertThat(defaults.once).isFalse();
        assertThat(defaults.topic).isEqualTo("attention");
        assertThat(defaults.httpPort).isEqualTo(8080);
        assertThat(defaults.backbonePort).isEqualTo(7400);
        assertThat(defaults.otlp).isNull();
        assertThat(defaults.trace).isFalse();
        assertThat(defaults.collectsTracesLocally()).as("traces for the page, by default").isTrue();

        DemoMain.Options all = DemoMain.Options.parse(new String[] {"--once", "--topic", "consensus", "--port", "9090",
                "--backbone-port", "7500", "--otlp", "http://localhost:4318/v1/traces"});
        assertThat(all.once).isTrue();
        assertThat(all.topic).isEqualTo("consensus");
        assertThat(all.httpPort).isEqualTo(9090);
        assertThat(all.backbonePort).isEqualTo(7500);
        assertThat(all.otlp).isEqualTo("http://localhost:4318/v1/traces");
        assertThat(all.collectsTracesLocally()).isFalse();
        DemoMain.Options printing = DemoMain.Options.parse(new String[] {"--trace"});
        assertThat(printing.trace).isTrue();
        assertThat(printing.collectsTracesLocally()).isTrue();
        assertThat(DemoMain.Options.parse(new String[] {"--help"}).help).isTrue();
    }

    @Test
    void badOptionsAreRefusedSayingWhy() {
        assertRefused("unknown option --fast", "--fast");
        assertRefused("--topic needs a value", "--topic");
        assertRefused("--topic must not be blank", "--topic", " ");
        assertRefused("--port must be a port number 1..65532, was 'eighty'", "--port", "eighty");
        assertRefused("--port must be a port number 1..65532, was '0'", "--port", "0");
        assertRefused("--backbone-port must be a port number 1..65532, was '70000'", "--backbone-port", "70000");
        assertRefused("--otlp must be an http:// or https:// URL, was 'localhost:4318'", "--otlp", "localhost:4318");
        assertRefused("--trace and --otlp exclude each other", "--trace", "--otlp", "http://localhost:4318/v1/traces");
    }

    private static void assertRefused(String message, String... args) {
        assertThatThrownBy(() -> DemoMain.Options.parse(args)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
