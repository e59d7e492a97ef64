package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.agent.WebSocketServing;
import io.pilot.engine.net.ProxySettings;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pilot.proxy.*} and the embedded backbone's listener properties: read, or refused naming the property. */
class ConfiguredReachTests {

    @Test
    void aProxyUrlOrHostAndPortWithCredentialsThatOverrideTheUrls() {
        PilotProperties.Proxy byUrl = new PilotProperties.Proxy();
        byUrl.setUrl("http://pilot:s%40cret@proxy.corp:3128");
        byUrl.setNoProxy(List.of(".internal"));
        assertThat(ConfiguredReach.proxy(byUrl))
                .isEqualTo(new ProxySettings("proxy.corp", 3128, "pilot", "s@cret", List.of(".internal")));
        byUrl.setUsername("other");
        byUrl.setPassword("secret-2");
        assertThat(ConfiguredReach.proxy(byUrl).user()).isEqualTo("other");
        assertThat(ConfiguredReach.proxy(byUrl).password()).isEqualTo("secret-2");

        PilotProperties.Proxy byHost = new PilotProperties.Proxy();
        byHost.setHost("proxy.corp");
        byHost.setPort(8080);
        byHost.setNoProxy(List.of());
        assertThat(ConfiguredReach.proxy(byHost)).isEqualTo(new ProxySettings("proxy.corp", 8080, null, null, List.of()));
        assertThat(ConfiguredReach.proxy(new PilotProperties.Proxy())).as("none set: the environment's").isNull();
    }

    @Test
    void badProxyPropertiesAreRefusedNamingThePropertyNeverThePassword() {
        PilotProperties.Proxy both = new PilotProperties.Proxy();
        both.setUrl("http://p:1");
        both.setHost("q");
        assertRefused(both, "pilot.proxy.host");
        PilotProperties.Proxy socks = new PilotProperties.Proxy();
        socks.setUrl("socks5://pilot:hunter2@p:1080");
        assertRefused(socks, "pilot.proxy.url");
        PilotProperties.Proxy noPort = new PilotProperties.Proxy();
        noPort.setHost("p");
        assertRefused(noPort, "pilot.proxy.port");
        PilotProperties.Proxy badPort = new PilotProperties.Proxy();
        badPort.setHost("p");
        badPort.setPort(70_000);
        assertRefused(badPort, "pilot.proxy.port");
        PilotProperties.Proxy passwordAlone = new PilotProperties.Proxy();
        passwordAlone.setHost("p");
        passwordAlone.setPort(3128);
        passwordAlone.setPassword("hunter2");
        assertRefused(passwordAlone, "pilot.proxy.password");
        PilotProperties.Proxy noHost = new PilotProperties.Proxy();
        noHost.setPassword("hunter2");
        assertRefused(noHost, "pilot.proxy.host");
    }

    private static void assertRefused(PilotProperties.Proxy proxy, String property) {
        assertThatThrownBy(() -> ConfiguredReach.proxy(proxy)).isInstanceOfSatisfying(PilotConfigurationException.class,
                e -> {
                    assertThat(e.property()).isEqualTo(property);
                    assertThat(e.getMessage()).doesNotContain("hunter2");
                });
    }

    @Test
    void theEmbeddedBackbonesListenersAndTheirMistakes(@TempDir Path dir) {
        PilotProperties.Backbone backbone = new PilotProperties.Backbone();
        assertThat(ConfiguredReach.webSocket(backbone)).isEqualTo(WebSocketServing.DEFAULTS);
        assertThat(ConfiguredReach.listenerConfigured(backbone)).isFalse();

        backbone.setTcpBind(List.of("0.0.0.0:443", "[::1]:8443"));
        backbone.setTcp(false);
        assertThat(ConfiguredReach.webSocket(backbone)).isEqualTo(new WebSocketServing(false,
                List.of(new InetSocketAddress("0.0.0.0", 443), new InetSocketAddress("::1", 8443)), null, 4096));
        assertThat(ConfiguredReach.listenerConfigured(backbone)).isTrue();

        backbone.setTcpBind(List.of("nonsense"));
        assertThatThrownBy(() -> ConfiguredReach.webSocket(backbone)).isInstanceOfSatisfying(PilotConfigurationException.class,
                e -> assertThat(e.property()).isEqualTo("pilot.backbone.tcp-bind"));
        backbone.setTcpBind(List.of());
        backbone.getTls().setCertificate(dir.resolve("cert.pem"));
        assertThatThrownBy(() -> ConfiguredReach.webSocket(backbone)).isInstanceOfSatisfying(PilotConfigurationException.class,
                e -> assertThat(e.property()).isEqualTo("pilot.backbone.tls.private-key"));
        backbone.getTls().setPrivateKey(dir.resolve("key.pem"));
        assertThatThrownBy(() -> ConfiguredReach.webSocket(backbone)).isInstanceOfSatisfying(PilotConfigurationException.class,
                e -> assertThat(e.getMessage()).contains("cert.pem", "does not exist or cannot be read"));
    }
}
