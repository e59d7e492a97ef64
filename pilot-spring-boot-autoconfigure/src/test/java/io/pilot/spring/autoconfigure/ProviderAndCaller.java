package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.backbone.Backbone;
import io.pilot.spring.runtime.PilotRuntime;

import java.nio.file.Path;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Two applications on loopback, as tests of calls between agents run them: a provider (the given hostname, its
 * identity under {@code dir}) running the embedded backbone and serving the given agent bean, and a caller pinned to
 * that backbone's key; both with {@code properties} besides.
 */
final class ProviderAndCaller {

    /** What runs while both are up. */
    interface Body {
        void accept(AssertableApplicationContext provider, Backbone backbone, AssertableApplicationContext caller)
                throws Throwable;
    }

    private ProviderAndCaller() {
    }

    static void run(Path dir, String providerHostname, Class<?> agent, Body body, String... properties) throws Exception {
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1",
                        "pilot.backbone.address=127.0.0.1:" + PilotAutoConfigurationTests.freePort())
                .withPropertyValues(properties);
        base.withPropertyValues("pilot.hostname=" + providerHostname,
                        "pilot.identity.path=" + dir.resolve(providerHostname + ".key"), "pilot.backbone.embedded=true",
                        "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(agent)
                .run(provider -> {
                    assertThat(provider).hasNotFailed();
                    Backbone backbone = provider.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow();
                    base.withPropertyValues("pilot.hostname=caller", "pilot.identity.path=" + dir.resolve("caller.key"),
                                    "pilot.backbone.key=" + backbone.node().publicKey())
                            .run(caller -> {
                                assertThat(caller).hasNotFailed();
                                body.accept(provider, backbone, caller);
                            });
                });
    }
}
