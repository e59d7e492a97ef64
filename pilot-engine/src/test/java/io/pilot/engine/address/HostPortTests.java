package io.pilot.engine.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class HostPortTests {

    @Test
    void readsAnAddressOrANameAndAPort() {
        InetSocketAddress v4 = HostPort.parse("127.0.0.1:7400");
        assertThat(v4.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(v4.getPort()).isEqualTo(7400);
        assertThat(HostPort.parse("localhost:1").getHostString()).isEqualTo("localhost");
        assertThat(HostPort.parse("h:65535").getPort()).isEqualTo(65535);
    }

    @Test
    void readsIpv6InBrackets() {
        InetSocketAddress v6 = HostPort.parse("[::1]:7400");
        assertThat(v6.getAddress().isLoopbackAddress()).isTrue();
        assertThat(v6.getPort()).isEqualTo(7400);
        assertThat(HostPort.parseBind("[::]:0").getAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    void bindAddressesMayAskForAnyFreePort() {
        assertThat(HostPort.parseBind("0.0.0.0:0").getPort()).isZero();
        assertThatThrownBy(() -> HostPort.parse("h:0")).hasMessage("port 0 is outside 1-65535");
    }

    @Test
    void refusesTextWithoutHostOrPort() {
        for (String text : new String[] {"", "nowhere", ":7400", "h:", "[::1]", "a b:7400"}) {
            assertThatThrownBy(() -> HostPort.parse(text)).as(text)
                    .hasMessage("'" + text + "' is not HOST:PORT (e.g. 127.0.0.1:7400)");
        }
        assertThatThrownBy(() -> HostPort.parse(null)).hasMessage("'null' is not HOST:PORT (e.g. 127.0.0.1:7400)");
    }

    @Test
    void refusesPortsThatAreNotPorts() {
        assertThatThrownBy(() -> HostPort.parse("h:65536")).hasMessage("port 65536 is outside 1-65535");
        assertThatThrownBy(() -> HostPort.parseBind("h:70000")).hasMessage("port 70000 is outside 0-65535");
        assertThatThrownBy(() -> HostPort.parse("h:99999999999")).hasMessage("port 99999999999 is outside 1-65535");
        assertThatThrownBy(() -> HostPort.parse("h:http")).hasMessage("'h:http' has no numeric port");
        assertThatThrownBy(() -> HostPort.parse("h:-1")).hasMessage("'h:-1' has no numeric port");
        assertThatThrownBy(() -> HostPort.parse("h:+80")).hasMessage("'h:+80' has no numeric port");
    }

    @Test
    void refusesIpv6WithoutBracketsAndBracketsAroundAnythingElse() {
        assertThatThrownBy(() -> HostPort.parse("::1:7400"))
                .hasMessage("'::1:7400' is ambiguous: put an IPv6 address in brackets, e.g. [::1]:7400");
        assertThatThrownBy(() -> HostPort.parse("[localhost]:7400")).hasMessageContaining("only an IPv6 address goes in brackets");
        assertThatThrownBy(() -> HostPort.parse("[::1:7400")).hasMessageContaining("is not HOST:PORT");
        assertThatThrownBy(() -> HostPort.parse("::1]:7400")).hasMessageContaining("is ambiguous");
        assertThatThrownBy(() -> HostPort.parse("[[::1]]:7400")).hasMessageContaining("is not HOST:PORT");
    }

    @Test
    void formatsWhatItParses() {
        assertThat(HostPort.format(new InetSocketAddress("127.0.0.1", 7400))).isEqualTo("127.0.0.1:7400");
        assertThat(HostPort.format(HostPort.parse("[::1]:7400"))).isEqualTo("[0:0:0:0:0:0:0:1]:7400");
        assertThat(HostPort.parse(HostPort.format(HostPort.parse("[::1]:7400")))).isEqualTo(HostPort.parse("[::1]:7400"));
        assertThat(HostPort.format(InetSocketAddress.createUnresolved("backbone.example", 7400)))
                .isEqualTo("backbone.example:7400");
    }

    @Test
    void aWildcardIsReachedOnLoopback() {
        assertThat(HostPort.reachable(HostPort.parseBind("0.0.0.0:7400")))
                .isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7400));
        InetSocketAddress specific = HostPort.parse("10.1.2.3:7400");
        assertThat(HostPort.reachable(specific)).isSameAs(specific);
    }
}
