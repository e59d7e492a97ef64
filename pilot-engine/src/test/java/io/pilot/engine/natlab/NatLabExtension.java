package io.pilot.engine.natlab;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test a fresh {@link NatLab} and tears it down afterwards:
 * {@code @RegisterExtension final NatLabExtension lab = new NatLabExtension(topology);} then {@code lab.get()}.
 * A separate class rather than {@code NatLab} itself, because the lab must not be built before the test is known
 * to be runnable: where namespaces are unavailable the test is skipped with the reason, never silently passed.
 * Fresh per test, because conntrack state left by one test would change what the next one sees.
 */
public final class NatLabExtension implements BeforeEachCallback, AfterEachCallback {

    private final Topology topology;
    private NatLab lab;

    public NatLabExtension(Topology topology) {
        this.topology = topology;
    }

    /** The current test's lab. */
    public NatLab get() {
        if (lab == null) {
            throw new IllegalStateException("the lab exists only while a test runs");
        }
        return lab;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeTrue(NatLab.isSupported(), NatLab::supportReport);
        lab = new NatLab(topology);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (lab != null) {
            try {
                lab.close();
            } finally {
                lab = null;
            }
        }
    }
}
