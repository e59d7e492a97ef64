package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** One configuration, many instances: the hostname each registers. */
class InstanceHostnameTests {

    private static PilotProperties properties(String hostname, String instanceId) {
        PilotProperties properties = new PilotProperties();
        properties.setHostname(hostname);
        properties.setInstanceId(instanceId);
        return properties;
    }

    /** The environment a Kubernetes container sees: Boot's detection, and the pod name in HOSTNAME. */
    private static MockEnvironment pod(String podName) {
        return new MockEnvironment().withProperty("spring.main.cloud-platform", "kubernetes").withProperty("HOSTNAME", podName);
    }

    @Test
    void theHostnameDefaultsToTheApplicationName() {
        MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "specialist-fx");
        assertThat(InstanceHostname.of(properties(null, null), environment)).isEqualTo("specialist-fx");
        assertThat(InstanceHostname.of(properties("fx", null), environment)).isEqualTo("fx");
    }

    @Test
    void onKubernetesEachPodRegistersItsPodName() {
        PilotProperties shared = properties("specialist-fx", null);
        assertThat(InstanceHostname.of(shared, pod("specialist-fx-7d9f8c6b5-x2kqz"))).isEqualTo("specialist-fx-7d9f8c6b5-x2kqz");
        assertThat(InstanceHostname.of(shared, pod("specialist-fx-7d9f8c6b5-pq4rt"))).isEqualTo("specialist-fx-7d9f8c6b5-pq4rt");
        assertThat(InstanceHostname.of(shared, pod("fx-0"))).isEqualTo("specialist-fx-fx-0");
        assertThat(InstanceHostname.of(properties("specialist-fx", "none"), pod("specialist-fx-0"))).isEqualTo("specialist-fx");
        assertThat(InstanceHostname.of(shared, new MockEnvironment().withProperty("HOSTNAME", "laptop")))
                .as("outside Kubernetes HOSTNAME is the machine's, shared by every instance on it").isEqualTo("specialist-fx");
    }

    @Test
    void aConfiguredInstanceIdQualifiesTheHostname() {
        assertThat(InstanceHostname.of(properties("specialist-fx", "2"), new MockEnvironment())).isEqualTo("specialist-fx-2");
        assertThat(InstanceHostname.of(properties("specialist-fx", "b"), pod("specialist-fx-0"))).isEqualTo("specialist-fx-b");
    }

    @Test
    void badNamesAreRefusedSayingWhatToChange() {
        assertThatThrownBy(() -> InstanceHostname.of(properties(null, null), new MockEnvironment()))
                .isInstanceOf(PilotConfigurationException.class)
                .hasMessage("pilot.hostname: is not set, nor is spring.application.name");
        assertThatThrownBy(() -> InstanceHostname.of(properties(null, null),
                new MockEnvironment().withProperty("spring.application.name", "Papers_App")))
                .isInstanceOfSatisfying(PilotConfigurationException.class, e -> {
                    assertThat(e.property()).isEqualTo("spring.application.name");
                    assertThat(e.getMessage()).contains("(pilot.hostname defaults to spring.application.name)");
                    assertThat(e.action()).contains("pilot.hostname=papers-app");
                });
        assertThatThrownBy(() -> InstanceHostname.of(properties("fx", "Pod_1"), new MockEnvironment()))
                .isInstanceOfSatisfying(PilotConfigurationException.class, e -> assertThat(e.property()).isEqualTo("pilot.instance-id"))
                .hasMessageContaining("'Pod_1' makes the hostname 'fx-Pod_1'");
        assertThatThrownBy(() -> InstanceHostname.of(properties("a".repeat(40), null), pod("b".repeat(40))))
                .isInstanceOfSatisfying(PilotConfigurationException.class, e -> assertThat(e.property()).isEqualTo("pilot.instance-id"));
    }
}
