package io.pilot.engine.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PilotAddressTests {

    @ParameterizedTest
    @ValueSource(strings = {"0:A91F.0000.7C2E", "0:4B2E.0000.1A3D", "65535:FFFF.FFFF.FFFF", "0:0000.0000.0000", "12:0001.0203.0405"})
    void seedAddressesAndEdgesRoundTrip(String text) {
        assertThat(PilotAddress.parse(text).toString()).isEqualTo(text);
    }

    @Test
    void parsesFieldsExactly() {
        PilotAddress address = PilotAddress.parse("3:A91F.0000.7C2E");
        assertThat(address.realm()).isEqualTo(3);
        assertThat(address.node()).isEqualTo(0xA91F_0000_7C2EL);
    }

    @Test
    void acceptsLowerCaseAndPrintsUpperCase() {
        assertThat(PilotAddress.parse("0:a91f.0000.7c2e")).hasToString("0:A91F.0000.7C2E");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "A91F.0000.7C2E|the realm and ':' are missing",
            "x:A91F.0000.7C2E|realm 'x' is not a decimal number",
            ":A91F.0000.7C2E|realm '' is not a decimal number",
            "70000:A91F.0000.7C2E|realm 70000 is larger than 65535",
            "0:A91F.0000|expected three dot-separated groups after the realm, found 2",
            "0:A91F.0000.7C2E.0001|found 4",
            "0:A91F.000.7C2E|group 2 '000' must be exactly 4 hex digits",
            "0:A91F.0000.7C2G|group 3 '7C2G' has a non-hex character 'G'",
            "0:A91F.0000.7C2E:80|more than one ':'",
            "0:+91F.0000.7C2E|non-hex character '+'",
            "-1:A91F.0000.7C2E|is not a decimal number"})
    void refusesMalformedTextNamingTheProblem(String text, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> PilotAddress.parse(text))
                .withMessageContaining("invalid Pilot address '" + text + "'")
                .withMessageContaining(message);
    }

    @Test
    void refusesOutOfRangeFields() {
        assertThatIllegalArgumentException().isThrownBy(() -> new PilotAddress(0, 1L << 48));
        assertThatIllegalArgumentException().isThrownBy(() -> new PilotAddress(-1, 0));
    }

    @Test
    void socketAddressRoundTripsAndRefusesBadPorts() {
        PilotSocketAddress socket = PilotSocketAddress.parse("0:A91F.0000.7C2E:1001");
        assertThat(socket.address()).isEqualTo(PilotAddress.parse("0:A91F.0000.7C2E"));
        assertThat(socket.port()).isEqualTo(1001);
        assertThat(socket).hasToString("0:A91F.0000.7C2E:1001");
        assertThatIllegalArgumentException().isThrownBy(() -> PilotSocketAddress.parse("0:A91F.0000.7C2E:65536"))
                .withMessageContaining("port '65536'");
        assertThatIllegalArgumentException().isThrownBy(() -> PilotSocketAddress.parse("0:A91F.0000.7C2E"))
                .withMessageContaining("expected N:XXXX.XXXX.XXXX:PORT");
        assertThatIllegalArgumentException().isThrownBy(() -> PilotSocketAddress.parse("0:A91F.0000.7C2E:"))
                .withMessageContaining("port ''");
    }
}
