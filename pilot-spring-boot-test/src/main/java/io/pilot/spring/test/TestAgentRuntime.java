package io.pilot.spring.test;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.group.AccessPolicies;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.session.PathSettings;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.runtime.PilotRuntime;
import io.pilot.spring.runtime.RuntimeSettings;
import io.pilot.spring.runtime.RuntimeSettings.BackboneLink;
import io.pilot.spring.runtime.RuntimeSettings.ControlSocket;
import io.pilot.spring.runtime.RuntimeSettings.IdentitySource;
import io.pilot.spring.runtime.RuntimeSettings.RetryDelays;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import tools.jackson.databind.json.JsonMapper;

/**
 * A real agent of the shared backbone without an application context around it: the starter's own
 * {@link PilotRuntime} (node, capability and broadcast dispatchers, registration) over a registry the kit fills
 * itself. What stubs and recorders run on: a context per stub would cost a second each and bring the
 * application's beans along.
 */
final class TestAgentRuntime implements AutoCloseable {

    private static final int MAX_MESSAGE_SIZE = 16 << 20;

    private final String hostname;
    private final PilotRuntime runtime;

    private TestAgentRuntime(String hostname, PilotRuntime runtime) {
        this.hostname = hostname;
        this.runtime = runtime;
    }

    /** Starts agent {@code hostname} serving what {@code registry} holds, a member of {@code groups}; registered when it returns. */
    static TestAgentRuntime start(String hostname, CapabilityRegistry registry, List<String> groups, JsonMapper mapper) {
        SharedBackbone backbone = SharedBackbone.get();
        RuntimeSettings settings = new RuntimeSettings(hostname, new IdentitySource(null, Identity.generate(new SecureRandom())),
                new InetSocketAddress("127.0.0.1", 0), 0, MAX_MESSAGE_SIZE, Duration.ofSeconds(30),
                AccessPolicies::realmMembers, PathSettings.DEFAULTS, groups,
                new BackboneLink(backbone.endpoint(), backbone.key(), Duration.ofSeconds(5),
                        new RetryDelays(DirectoryClient.DEFAULT_FIRST_RETRY, DirectoryClient.DEFAULT_LONGEST_RETRY), null),
                new ControlSocket(false, null));
        StandardEnvironment environment = new StandardEnvironment();
        // A stopped stub should be gone at once; calls still in progress get a second to finish.
        environment.getPropertySources().addFirst(new MapPropertySource("pilotTestAgent",
                Map.of("spring.lifecycle.timeout-per-shutdown-phase", "1s")));
        PilotRuntime runtime = new PilotRuntime(settings, registry, mapper, environment);
        runtime.start();
        return new TestAgentRuntime(hostname, runtime);
    }

    String hostname() {
        return hostname;
    }

    PilotAddress address() {
        return runtime.address();
    }

    boolean isRunning() {
        return runtime.isRunning();
    }

    /** Deregisters, lets calls in progress finish, closes the node. Idempotent. */
    @Override
    public void close() {
        if (runtime.isRunning()) {
            runtime.stop();
        }
    }
}
