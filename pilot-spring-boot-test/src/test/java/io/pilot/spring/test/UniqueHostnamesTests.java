package io.pilot.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.spring.runtime.PilotRuntime;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContextManager;

/**
 * Two test classes of one application whose configurations differ get two cached contexts, both alive at once
 * and both registered with the one backbone: each gets an instance id of its own, so they do not collide on the
 * hostname. A test that sets {@code pilot.instance-id} keeps it.
 */
class UniqueHostnamesTests {

    @SpringBootTest(classes = Applications.PapersApplication.class, properties = "pilot.hostname=twin")
    @EmbeddedPilotBackbone
    static class FirstTwin {
    }

    @SpringBootTest(classes = Applications.PapersApplication.class, properties = {"pilot.hostname=twin", "pilot.realm=0"})
    @EmbeddedPilotBackbone
    static class SecondTwin {
    }

    @SpringBootTest(classes = Applications.PapersApplication.class, properties = {"pilot.hostname=twin", "pilot.instance-id=mine"})
    @EmbeddedPilotBackbone
    static class NamedTwin {
    }

    @Test
    void twoCachedContextsOfOneApplicationRegisterTwoHostnames() {
        String first = hostname(context(FirstTwin.class));
        String second = hostname(context(SecondTwin.class));

        // The first context of a service name keeps the configured hostname; every later one gets an instance id.
        assertThat(first).isNotEqualTo(second);
        assertThat(List.of(first, second)).filteredOn(name -> name.startsWith("twin-test")).hasSizeGreaterThanOrEqualTo(1);
        assertThat(List.of(first, second)).allMatch(name -> name.equals("twin") || name.matches("twin-test\\d+"));
        EmbeddedBackboneHandle backbone = EmbeddedBackboneHandle.get();
        assertThat(backbone.awaitRegistered(first).address()).isEqualTo(context(FirstTwin.class).getBean(PilotRuntime.class).address());
        assertThat(backbone.awaitRegistered(second).address()).isEqualTo(context(SecondTwin.class).getBean(PilotRuntime.class).address());
    }

    @Test
    void anInstanceIdTheTestSetsIsKept() {
        assertThat(hostname(context(NamedTwin.class))).isEqualTo("twin-mine");
    }

    /** The test class's context as Spring's test framework loads and caches it. */
    private static ApplicationContext context(Class<?> testClass) {
        return new TestContextManager(testClass).getTestContext().getApplicationContext();
    }

    private static String hostname(ApplicationContext context) {
        return context.getBean(PilotRuntime.class).directory().record().orElseThrow().hostname();
    }
}
