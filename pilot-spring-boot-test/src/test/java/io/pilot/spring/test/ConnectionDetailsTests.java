package io.pilot.spring.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PilotNode;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.identity.Identity;
import io.pilot.spring.PilotClient;
import io.pilot.spring.autoconfigure.PilotBackboneConnectionDetails;
import io.pilot.spring.runtime.PilotRuntime;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An application pointed at a backbone by a {@link PilotBackboneConnectionDetails} bean of its own: it registers
 * there, whatever its {@code pilot.backbone.address} says. The backbone is a separate one, on a node of its own,
 * as a test against a standalone backbone would have it.
 */
class ConnectionDetailsTests {

    /** The standalone backbone this test starts; what the bean below points at. */
    static PilotNode standaloneNode;

    private Backbone standalone;

    @TempDir
    Path identities;

    @BeforeEach
    void startStandaloneBackbone() {
        standaloneNode = PilotNode.builder().identity(Identity.generate(new SecureRandom())).bindAddress("127.0.0.1", 0)
                .answerStun(true).build().start();
        standalone = Backbone.start(standaloneNode, BackboneSettings.DEFAULTS, DirectoryStore.none());
    }

    @AfterEach
    void stopStandaloneBackbone() {
        standalone.close();
        standaloneNode.close();
    }

    @Configuration(proxyBeanMethods = false)
    static class StandaloneBackbone {
        @Bean
        PilotBackboneConnectionDetails standaloneBackbone() {
            return new PilotBackboneConnectionDetails() {
                @Override
                public String getAddress() {
                    return "127.0.0.1:" + standaloneNode.localEndpoint().getPort();
                }

                @Override
                public String getKey() {
                    return standaloneNode.publicKey().toString();
                }
            };
        }
    }

    @Test
    void theApplicationRegistersWithTheBackboneTheBeanNamesNotTheOneItsPropertiesName() {
        try (ConfigurableApplicationContext app = papers("pilot.backbone.embedded=false",
                "pilot.backbone.address=127.0.0.1:9")) {
            PilotRuntime runtime = app.getBean(PilotRuntime.class);

            assertThat(runtime.directory().status()).isEqualTo(DirectoryClient.Status.REGISTERED);
            assertThat(runtime.directory().backbone()).contains(standaloneNode.address());
            assertThat(standalone.registrations()).isEqualTo(1);
            assertThat(app.getBean(PilotClient.class).find("papers.resolve-citation")).extracting(NodeRecord::address)
                    .containsExactly(runtime.address());
        }
    }

    @Test
    void aBeanBesideAnEmbeddedBackboneIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> papers("pilot.backbone.embedded=true").close())
                .rootCause().hasMessageContaining("pilot.backbone.embedded")
                .hasMessageContaining("PilotBackboneConnectionDetails bean");
        assertThat(standalone.registrations()).isZero();
    }

    /** The application with {@code properties} as command-line arguments: above its application.properties. */
    private ConfigurableApplicationContext papers(String... properties) {
        List<String> arguments = new ArrayList<>(List.of("pilot.hostname=papers-standalone", "pilot.bind.address=127.0.0.1",
                "pilot.bind.port=0", "pilot.control.enabled=false", "pilot.identity.path=" + identities.resolve("papers.key")));
        arguments.addAll(List.of(properties));
        return new SpringApplicationBuilder(Applications.PapersApplication.class, StandaloneBackbone.class)
                .web(WebApplicationType.NONE)
                .run(arguments.stream().map(property -> "--" + property).toArray(String[]::new));
    }
}
