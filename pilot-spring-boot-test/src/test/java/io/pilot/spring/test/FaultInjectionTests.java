package io.pilot.spring.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.net.Impairment;
import io.pilot.spring.runtime.PilotRuntime;
import io.pilot.spring.test.Applications.Pair;
import io.pilot.spring.test.Applications.Pricing;
import io.pilot.spring.test.Applications.Rate;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mock.env.MockEnvironment;

/** {@code pilot.test.faults.*}: the application's own link loses and delays datagrams, and its calls still succeed. */
@SpringBootTest(classes = Applications.PricingApplication.class, properties = {"pilot.hostname=pricing-faulty",
        "pilot.test.faults.loss=0.1", "pilot.test.faults.delay=20ms", "pilot.test.faults.seed=7"})
@EmbeddedPilotBackbone
class FaultInjectionTests {

    @Autowired
    PilotStubs stubs;

    @Autowired
    Pricing pricing;

    @Autowired
    PilotRuntime runtime;

    @Test
    void overALossyDelayedLinkEveryCallSucceedsAndTheLossesAreCounted() {
        StubAgent fx = stubs.stub("fx.rate", Pair.class, pair -> new Rate(pair.from(), pair.to(), 1.08));

        for (int i = 0; i < 100; i++) {
            assertThat(pricing.priceIn("USD", 100)).isEqualTo(108.0);
        }

        assertThat(fx.calls()).isEqualTo(100);
        PeerInfo stub = runtime.node().peer(fx.address()).orElseThrow();
        // Sent by the application and dropped by its impairment stage: the transport declared them lost and resent them.
        assertThat(stub.transport().lostPackets()).isPositive();
        assertThat(stub.transport().retransmittedPackets()).isPositive();
        // Every datagram waits 20 ms going out and 20 ms coming in: no round trip can be shorter than 40 ms.
        assertThat(Duration.ofNanos(stub.transport().minRttNanos())).isGreaterThanOrEqualTo(Duration.ofMillis(40));
    }

    @Test
    void theFaultsComeFromTheProperties() {
        MockEnvironment environment = new MockEnvironment().withProperty("pilot.test.faults.loss", "0.2")
                .withProperty("pilot.test.faults.delay", "50ms");

        Impairment impairment = FaultInjection.from(environment).impairment();

        assertThat(impairment.lossRate()).isEqualTo(0.2);
        assertThat(impairment.delay()).isEqualTo(Duration.ofMillis(50));
        assertThat(FaultInjection.from(new MockEnvironment()).impairment().isNone()).isTrue();
    }

    @Test
    void aLossRateOutOfRangeIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> FaultInjection.from(new MockEnvironment().withProperty("pilot.test.faults.loss", "1.5")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pilot.test.faults.loss is 1.5");
        assertThatThrownBy(() -> FaultInjection.from(new MockEnvironment().withProperty("pilot.test.faults.delay", "-5ms")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pilot.test.faults.delay");
    }
}
