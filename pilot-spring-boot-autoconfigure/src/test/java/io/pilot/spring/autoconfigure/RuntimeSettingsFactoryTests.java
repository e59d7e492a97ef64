package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.group.SharedGroupPolicy;
import io.pilot.engine.session.PathSettings;
import io.pilot.spring.runtime.RuntimeSettings;
import io.pilot.spring.runtime.RuntimeSettings.IdentitySource;
import io.pilot.spring.runtime.RuntimeSettings.RetryDelays;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.unit.DataSize;

@ExtendWith(OutputCaptureExtension.class)
class RuntimeSettingsFactoryTests {

    private static PilotProperties properties() {
        PilotProperties properties = new PilotProperties();
        properties.setHostname("papers");
        properties.getBackbone().setAddress("127.0.0.1:7400");
        return properties;
    }

    @Test
    void theDefaultsDeriveFromTheHostname() {
        RuntimeSettings settings = RuntimeSettingsFactory.from(properties(), new MockEnvironment());
        assertThat(settings.hostname()).isEqualTo("papers");
        assertThat(settings.identity()).isEqualTo(IdentitySource.file(Path.of(".pilot", "papers.key")));
        assertThat(settings.maxMessageSize()).isEqualTo(16 * 1024 * 1024);
        assertThat(settings.pathSettings()).isEqualTo(PathSettings.DEFAULTS);
        assertThat(settings.backbone().endpoint()).isEqualTo(new InetSocketAddress("127.0.0.1", 7400));
        assertThat(settings.backbone().key()).isNull();
        assertThat(settings.backbone().embedded()).isNull();
        assertThat(settings.control().enabled()).isTrue();
        assertThat(settings.control().path()).isNull();
    }

    @Test
    void anEmbeddedBackboneHasADefaultIdentityAndNoStore() {
        PilotProperties properties = properties();
        properties.getBackbone().setEmbedded(true);
        properties.setRelay(false);
        properties.setGroups(List.of("RESEARCH"));
        RuntimeSettings settings = RuntimeSettingsFactory.from(properties, new MockEnvironment());
        assertThat(settings.backbone().embedded()).isEqualTo(new RuntimeSettings.EmbeddedBackbone(Path.of(".pilot", "backbone.key"), null));
        assertThat(settings.pathSettings()).isEqualTo(PathSettings.DIRECT_ONLY);
        assertThat(settings.groups()).containsExactly("RESEARCH");
    }

    @Test
    void eachStartGetsItsOwnSharedGroupPolicy() {
        PilotProperties properties = properties();
        properties.setAccessPolicy(PilotProperties.AccessPolicy.SHARED_GROUP);
        RuntimeSettings settings = RuntimeSettingsFactory.from(properties, new MockEnvironment());
        assertThat(settings.accessPolicy().get()).isInstanceOf(SharedGroupPolicy.class)
                .isNotSameAs(settings.accessPolicy().get());
    }

    @Test
    void theRetryDelaysDefaultToTheEnginesAndTakeTheProperties() {
        assertThat(RuntimeSettingsFactory.from(properties(), new MockEnvironment()).backbone().retry())
                .isEqualTo(new RetryDelays(DirectoryClient.DEFAULT_FIRST_RETRY, DirectoryClient.DEFAULT_LONGEST_RETRY));
        PilotProperties properties = properties();
        properties.getBackbone().getRetry().setFirstDelay(Duration.ofSeconds(2));
        properties.getBackbone().getRetry().setMaxDelay(Duration.ofMinutes(2));

        assertThat(RuntimeSettingsFactory.from(properties, new MockEnvironment()).backbone().retry())
                .isEqualTo(new RetryDelays(Duration.ofSeconds(2), Duration.ofMinutes(2)));
    }

    @Test
    void retryDelaysMustBePositiveAndTheFirstNoLongerThanTheLongest() {
        PilotProperties zero = properties();
        zero.getBackbone().getRetry().setFirstDelay(Duration.ZERO);
        assertThatThrownBy(() -> RuntimeSettingsFactory.from(zero, new MockEnvironment())).isInstanceOf(PilotConfigurationException.class)
                .hasMessageStartingWith("pilot.backbone.retry.first-delay: PT0S is not a positive duration");
        PilotProperties negative = properties();
        negative.getBackbone().getRetry().setMaxDelay(Duration.ofSeconds(-1));
        assertThatThrownBy(() -> RuntimeSettingsFactory.from(negative, new MockEnvironment()))
                .hasMessageStartingWith("pilot.backbone.retry.max-delay: PT-1S is not a positive duration");
        PilotProperties inverted = properties();
        inverted.getBackbone().getRetry().setFirstDelay(Duration.ofMinutes(1));
        inverted.getBackbone().getRetry().setMaxDelay(Duration.ofSeconds(10));
        assertThatThrownBy(() -> RuntimeSettingsFactory.from(inverted, new MockEnvironment()))
                .hasMessageStartingWith("pilot.backbone.retry.max-delay: PT10S is shorter than pilot.backbone.retry.first-delay (PT1M)");
        PilotProperties equal = properties();
        equal.getBackbone().getRetry().setFirstDelay(Duration.ofSeconds(5));
        equal.getBackbone().getRetry().setMaxDelay(Duration.ofSeconds(5));
        assertThat(RuntimeSettingsFactory.from(equal, new MockEnvironment()).backbone().retry())
                .isEqualTo(new RetryDelays(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    @Test
    void theNodesInboundBudgetIsTheEnginesUnlessSetAndMustBePositive() {
        assertThat(RuntimeSettingsFactory.from(properties(), new MockEnvironment()).maxInboundBuffered()).isZero();
        PilotProperties set = properties();
        set.setMaxInboundBuffered(DataSize.ofMegabytes(256));
        assertThat(RuntimeSettingsFactory.from(set, new MockEnvironment()).maxInboundBuffered()).isEqualTo(256L << 20);
        PilotProperties zero = properties();
        zero.setMaxInboundBuffered(DataSize.ofBytes(0));
        assertThatThrownBy(() -> RuntimeSettingsFactory.from(zero, new MockEnvironment()))
                .isInstanceOf(PilotConfigurationException.class).hasMessageContaining("pilot.max-inbound-buffered")
                .hasMessageContaining("is not a positive size");
    }

    @Test
    void aBadPropertyIsRefusedBeforeAnythingStarts() {
        PilotProperties properties = properties();
        properties.setAllow(List.of("not a key"));
        properties.setAccessPolicy(PilotProperties.AccessPolicy.ALLOW_LIST);
        assertThatThrownBy(() -> RuntimeSettingsFactory.from(properties, new MockEnvironment())).isInstanceOf(PilotConfigurationException.class)
                .hasMessageStartingWith("pilot.allow: ");
    }

    @Test
    void anAllowListOfAddressesWarnsThatAddressesCanBeGroundAndOneOfKeysDoesNot(CapturedOutput output) {
        NodeKey friend = Identity.generate(new SecureRandom()).publicKey();
        PilotProperties byKey = properties();
        byKey.setAccessPolicy(PilotProperties.AccessPolicy.ALLOW_LIST);
        byKey.setAllow(List.of(friend.toString()));
        assertThat(RuntimeSettingsFactory.from(byKey, new MockEnvironment()).accessPolicy().get().allows(friend, friend.address(0))).isTrue();
        assertThat(output).doesNotContain("48 bits");

        PilotProperties byAddress = properties();
        byAddress.setAccessPolicy(PilotProperties.AccessPolicy.ALLOW_LIST);
        byAddress.setAllow(List.of(friend.address(0).toString()));
        assertThat(RuntimeSettingsFactory.from(byAddress, new MockEnvironment()).accessPolicy().get().allows(friend, friend.address(0))).isTrue();
        assertThat(output).contains("pilot.allow lists 1 address(es)", "48 bits", "can be ground", "List node keys");
    }

    @Test
    void theBackboneAddressMayListTheRealmsBackbones() {
        PilotProperties properties = properties();
        properties.getBackbone().setAddress("127.0.0.1:7400, 127.0.0.1:7401,[::1]:7402");
        RuntimeSettings settings = RuntimeSettingsFactory.from(properties, new MockEnvironment());
        assertThat(settings.backbone().endpoints()).containsExactly(new InetSocketAddress("127.0.0.1", 7400),
                new InetSocketAddress("127.0.0.1", 7401), new InetSocketAddress("::1", 7402));
    }

    @Test
    void aBackboneListedTwiceOrABadEntryIsRefusedNamingTheProperty() {
        PilotProperties twice = properties();
        twice.getBackbone().setAddress("127.0.0.1:7400,127.0.0.1:7400");
        assertThatThrownBy(() -> RuntimeSettingsFactory.from(twice, new MockEnvironment()))
                .isInstanceOf(PilotConfigurationException.class)
                .hasMessageContaining("pilot.backbone.address").hasMessageContaining("twice");
        PilotProperties bad = properties();
        bad.getBackbone().setAddress("127.0.0.1:7400,nowhere");
        assertThatThrownBy(() -> RuntimeSettingsFactory.from(bad, new MockEnvironment()))
                .isInstanceOf(PilotConfigurationException.class).hasMessageContaining("pilot.backbone.address");
    }

    @Test
    void anEmbeddedBackboneOnAStoreNoModuleOpensFailsNamingThePropertyAndTheModule() {
        PilotProperties properties = properties();
        properties.getBackbone().setEmbedded(true);
        properties.getBackbone().setStore("etcd://127.0.0.1:2379");
        assertThatThrownBy(() -> RuntimeSettingsFactory.from(properties, new MockEnvironment()))
                .isInstanceOf(PilotConfigurationException.class)
                .hasMessageContaining("pilot.backbone.store").hasMessageContaining("io.pilot:pilot-backbone-etcd");
    }

    @Test
    void anEmbeddedBackboneKeepsAJournalFolderAsTheStore() {
        PilotProperties properties = properties();
        properties.getBackbone().setEmbedded(true);
        properties.getBackbone().setStore("/var/lib/pilot/directory");
        RuntimeSettings settings = RuntimeSettingsFactory.from(properties, new MockEnvironment());
        assertThat(settings.backbone().embedded().store()).isEqualTo("/var/lib/pilot/directory");
    }

    @Test
    void anEmbeddedBackboneBindsOneEndpoint() {
        PilotProperties properties = properties();
        properties.getBackbone().setEmbedded(true);
        properties.getBackbone().setAddress("127.0.0.1:7400,127.0.0.1:7401");
        assertThatThrownBy(() -> RuntimeSettingsFactory.from(properties, new MockEnvironment()))
                .isInstanceOf(PilotConfigurationException.class).hasMessageContaining("embedded backbone binds one endpoint");
    }
}
