package io.pilot.samples.coordinator.mesh;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.pilot.samples.coordinator.ResearchService;
import io.pilot.spring.PilotClient;
import io.pilot.spring.runtime.PilotRuntime;

import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The page's live view: the graph, its pulses and the charts. */
@Configuration(proxyBeanMethods = false)
class MeshConfiguration {

    @Bean
    MeterFilter callLatencyBuckets() {
        return CallLatency.FILTER;
    }

    /** Asks for the runtime only when an event comes: the runtime needs the observation registry, which needs this. */
    @Bean
    MeshEvents meshEvents(ObjectProvider<PilotRuntime> runtime) {
        return new MeshEvents(() -> runtime.getObject().node().address().toString(), Clock.systemUTC());
    }

    @Bean
    TopologyView topologyView(PilotRuntime runtime, PilotClient pilot) {
        return new TopologyView(runtime, pilot, ResearchService.GROUP);
    }

    @Bean(destroyMethod = "close")
    ChartSampler chartSampler(MeterRegistry registry, TopologyView topology) {
        return new ChartSampler(registry, topology::topology, Clock.systemUTC()).start(Duration.ofSeconds(1));
    }
}
