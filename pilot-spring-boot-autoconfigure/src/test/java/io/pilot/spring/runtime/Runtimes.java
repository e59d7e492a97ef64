package io.pilot.spring.runtime;

import io.pilot.engine.group.AccessPolicies;
import io.pilot.engine.session.PathSettings;
import io.pilot.spring.capability.CapabilityRegistry;
import io.pilot.spring.runtime.RuntimeSettings.BackboneLink;
import io.pilot.spring.runtime.RuntimeSettings.ControlSocket;
import io.pilot.spring.runtime.RuntimeSettings.IdentitySource;
import io.pilot.spring.runtime.RuntimeSettings.RetryDelays;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.core.env.StandardEnvironment;

import tools.jackson.databind.json.JsonMapper;

/** Runtimes for the tests of what reads a runtime. */
public final class Runtimes {

    private Runtimes() {
    }

    /** A runtime that was never started, as every reader sees it before the context is refreshed. */
    public static PilotRuntime notStarted() {
        RuntimeSettings settings = new RuntimeSettings("unstarted", IdentitySource.file(Path.of(".pilot", "unstarted.key")),
                new InetSocketAddress("127.0.0.1", 0), 0, 1 << 20, Duration.ofSeconds(30), AccessPolicies::realmMembers,
                PathSettings.DEFAULTS, List.of(),
                new BackboneLink(new InetSocketAddress("127.0.0.1", 7400), null, Duration.ofSeconds(5), new RetryDelays(Duration.ofMillis(500), Duration.ofSeconds(30)), null),
                new ControlSocket(false, null));
        return new PilotRuntime(settings, new CapabilityRegistry(), new JsonMapper(), new StandardEnvironment());
    }
}
