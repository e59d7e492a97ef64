package io.pilot.engine.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

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
        assertThat(HostPort.format(HostPort.parse("[::1]:7400"))).isEqualTo("[::1]:7400");
        assertThat(HostPort.format(HostPort.parseBind("[::]:7400"))).isEqualTo("[::]:7400");
        assertThat(HostPort.format(InetSocketAddress.createUnresolved("backbone.example", 7400)))
                .isEqualTo("backbone.example:7400");
        assertThat(HostPort.format(null)).isNull();
    }

    @Test
    void everyFormattedEndpointParsesBackToTheSameAddress() {
        for (String text : List.of("192.0.2.1:7400", "[::1]:7400", "[::]:7400", "[2001:db8::1]:7400",
                "[2001:db8::1:0:0:1]:1", "[fd00:0:0:1::]:65535", "[1:2:3:4:5:6:7:8]:7400", "0.0.0.0:0")) {
            InetSocketAddress parsed = HostPort.parseBind(text);
            assertThat(HostPort.format(parsed)).isEqualTo(text);
            assertThat(HostPort.parseBind(HostPort.format(parsed))).isEqualTo(parsed);
        }
    }

    @Test
    void writesIpv6AsRfc5952Text() throws UnknownHostException {
        assertThat(ipv6("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1"); // the first of two equal runs
        assertThat(ipv6("2001:0db8:0000:0000:0000:0000:0002:0001")).isEqualTo("2001:db8::2:1");
        assertThat(ipv6("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1"); // one zero group stays
        assertThat(ipv6("2001:db8:0:0:1:0:0:0")).isEqualTo("2001:db8:0:0:1::"); // the longest run wins
        assertThat(ipv6("2001:DB8:AA::1")).isEqualTo("2001:db8:aa::1"); // lower case
        assertThat(ipv6("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(ipv6("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(ipv6("1:0:0:0:0:0:0:0")).isEqualTo("1::");
        assertThat(ipv6("::ffff:192.0.2.1")).isEqualTo("::ffff:192.0.2.1");
        assertThat(HostPort.formatAddress(InetAddress.getByName("192.0.2.1"))).isEqualTo("192.0.2.1");
        assertThat(HostPort.formatAddress(Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3)))
                .isEqualTo("fe80::1%3");
    }

    /** Through {@link Inet6Address} itself: the JDK's parser turns a mapped address into IPv4. */
    private static String ipv6(String text) throws UnknownHostException {
        byte[] parsed = InetAddress.getByName(text).getAddress();
        byte[] bytes = new byte[16];
        if (parsed.length == 4) {
            bytes[10] = bytes[11] = (byte) 0xff;
        }
        System.arraycopy(parsed, 0, bytes, 16 - parsed.length, parsed.length);
        return HostPort.formatAddress(Inet6Address.getByAddress(null, bytes, -1));
    }

    @Test
    void aWildcardIsReachedOnLoopback() {
        assertThat(HostPort.reachable(HostPort.parseBind("0.0.0.0:7400")))
                .isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7400));
        InetSocketAddress specific = HostPort.parse("10.1.2.3:7400");
        assertThat(HostPort.reachable(specific)).isSameAs(specific);
    }
}
