package io.pilot.engine.natlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/** A lab leaves nothing behind, whether it is closed or its JVM dies before it can be. */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(NatLab.LOCK)
class NatLabLifecycleTest {

    private static final Topology TOPOLOGY = Topology.create()
            .publicHost("server")
            .site("home", NatType.ENDPOINT_INDEPENDENT, "alice", "bob");

    @Test
    void closingRemovesEveryNamespaceAndProcess() {
        Assumptions.assumeTrue(NatLab.isSupported(), NatLab::supportReport);
        String prefix;
        LabProcess sleeper;
        try (NatLab lab = new NatLab(TOPOLOGY)) {
            prefix = lab.prefix();
            sleeper = lab.start("bob", List.of("sleep", "600"));
            assertThat(Namespaces.list()).filteredOn(name -> name.startsWith(prefix))
                    .hasSize(5)
                    .contains(prefix + "pub", prefix + "r-home", prefix + "h-server", prefix + "h-alice",
                            prefix + "h-bob");
        }

        assertThat(Namespaces.list()).noneMatch(name -> name.startsWith(prefix));
        assertThat(Shell.run("ip", "-o", "link")).doesNotContain(prefix);
        assertThat(sleeper.isAlive()).isFalse();
    }

    @Test
    void removesNamespacesLeftByAJvmThatDied() throws IOException, InterruptedException {
        Assumptions.assumeTrue(NatLab.isSupported(), NatLab::supportReport);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stale = RunPrefix.of(gone.pid(), 0) + "pub";
        Namespaces.add(stale);

        try (NatLab lab = new NatLab(TOPOLOGY)) {
            assertThat(Namespaces.list()).doesNotContain(stale).contains(lab.prefix() + "pub");
        }
    }
}
