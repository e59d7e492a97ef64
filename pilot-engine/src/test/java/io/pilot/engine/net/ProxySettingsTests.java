package io.pilot.engine.net;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxySettingsTests {

    @Test
    void httpsProxyWithCredentialsAndNoProxyIsReadAndNeverPrintsTheCredentials() {
        ProxySettings proxy = ProxySettings.from(Map.of("HTTPS_PROXY", "http://pilot:s%40cret%3Ax@proxy.corp:3128",
                "NO_PROXY", ".internal, 10.1.2.3"), new Properties());

        assertThat(proxy.host()).isEqualTo("proxy.corp");
        assertThat(proxy.port()).isEqualTo(3128);
        assertThat(proxy.user()).isEqualTo("pilot");
        assertThat(proxy.password()).isEqualTo("s@cret:x");
        assertThat(proxy.toString()).isEqualTo("http://proxy.corp:3128");
        assertThat(proxy.appliesTo("backbone.example")).isTrue();
        assertThat(proxy.appliesTo("bb.internal")).isFalse();
        assertThat(proxy.appliesTo("internal")).isFalse();
        assertThat(proxy.appliesTo("10.1.2.3")).isFalse();
    }

    @Test
    void theSystemPropertyWinsOverTheVariablesAndLowerCaseIsReadToo() {
        Properties properties = new Properties();
        properties.setProperty("pilot.proxy", "proxy.a:8080");
        assertThat(ProxySettings.from(Map.of("https_proxy", "http://proxy.b:3128"), properties).host()).isEqualTo("proxy.a");
        assertThat(ProxySettings.from(Map.of("https_proxy", "http://proxy.b:3128"), new Properties()).host())
                .isEqualTo("proxy.b");
    }

    @Test
    void theJvmsHttpsProxyPropertiesAndNonProxyHostsAreRead() {
        Properties properties = new Properties();
        properties.setProperty("https.proxyHost", "proxy.c");
        properties.setProperty("https.proxyPort", "3129");
        properties.setProperty("http.nonProxyHosts", "localhost|*.lan");

        ProxySettings proxy = ProxySettings.from(Map.of(), properties);

        assertThat(proxy).isEqualTo(new ProxySettings("proxy.c", 3129, null, null, List.of("localhost", ".lan")));
        assertThat(proxy.appliesTo("printer.lan")).isFalse();
        assertThat(proxy.appliesTo("backbone.example")).isTrue();
    }

    @Test
    void noConfigurationIsNoProxyAndAStarExemptsEverything() {
        assertThat(ProxySettings.from(Map.of(), new Properties())).isNull();
        assertThat(ProxySettings.from(Map.of("HTTPS_PROXY", "http://p:1", "NO_PROXY", "*"), new Properties())
                .appliesTo("anything")).isFalse();
    }

    @Test
    void aProxyUrlOfAnotherSchemeIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> ProxySettings.from(Map.of("HTTPS_PROXY", "socks5://p:1080"), new Properties()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HTTPS_PROXY")
                .hasMessageContaining("socks5");
    }

    @Test
    void aUrlGivenAsASettingIsParsedAndItsErrorsNameTheSettingNeverThePassword() {
        ProxySettings proxy = ProxySettings.parse("--proxy", "http://pilot:s%40cret@127.0.0.1:3128", List.of("lan"));

        assertThat(proxy).isEqualTo(new ProxySettings("127.0.0.1", 3128, "pilot", "s@cret", List.of("lan")));
        assertThatThrownBy(() -> ProxySettings.parse("--proxy", "http://pilot:s3cret@127.0.0.1:99999", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--proxy")
                .hasMessageContaining("1-65535").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> ProxySettings.parse("--proxy", "https://pilot:s3cret@p:1", List.of()))
                .hasMessageContaining("--proxy").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> new ProxySettings(" ", 3128, null, null, List.of())).hasMessageContaining("host");
    }
}
