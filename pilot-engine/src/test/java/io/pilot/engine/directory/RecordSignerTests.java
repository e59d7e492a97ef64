package io.pilot.engine.directory;

import io.pilot.engine.identity.Identity;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecordSignerTests {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("10.0.0.1", 7000);
    private static final InetSocketAddress OUTSIDE = new InetSocketAddress("198.51.100.7", 40000);
    private static final InetSocketAddress RELAY = new InetSocketAddress("192.0.2.1", 7000);

    private final Identity identity = Records.identity();
    private final ClientSettings settings = new ClientSettings(List.of(RELAY), null, "fx", List.of(CapabilityInfo.of("fx.rate")),
            null, Duration.ofHours(1), Duration.ofSeconds(5), ClientSettings.DEFAULT_MAX_REPLY_SIZE);
    private final RecordSigner signer = new RecordSigner(identity, 3, settings);
    private final Membership alpha = new Membership(new TreeSet<>(List.of("alpha")), Map.of());

    @Test
    void signsWhatTheSettingsAndMembershipSay() {
        SignedRecord signed = signer.sign(List.of(new Endpoint(Endpoint.Kind.LOCAL, LOCAL)), alpha);

        NodeRecord record = SignedRecord.decode(signed.toBytes()).record();
        assertThat(record.realm()).isEqualTo(3);
        assertThat(record.key()).isEqualTo(identity.publicKey());
        assertThat(record.hostname()).isEqualTo("fx");
        assertThat(record.hasCapability("fx.rate")).isTrue();
        assertThat(record.groups()).containsExactly("alpha");
        assertThat(record.expiresAtMillis() - record.sequence()).as("an hour from the signing time")
                .isEqualTo(Duration.ofHours(1).toMillis());
    }

    @Test
    void everyRecordHasAHigherSequenceAndContinuesAfterOneHeld() {
        long first = signer.sign(List.of(), alpha).record().sequence();
        long second = signer.sign(List.of(), alpha).record().sequence();
        assertThat(second).isGreaterThan(first);

        signer.continueAfter(second + 1_000_000);
        assertThat(signer.sign(List.of(), alpha).record().sequence()).isEqualTo(second + 1_000_001);
    }

    @Test
    void aRecordIsDueAtHalfItsLifetime() {
        NodeRecord record = signer.sign(List.of(), alpha).record();
        long signedAt = record.expiresAtMillis() - Duration.ofHours(1).toMillis();

        assertThat(signer.due(record, signedAt + Duration.ofMinutes(29).toMillis())).isFalse();
        assertThat(signer.due(record, signedAt + Duration.ofMinutes(31).toMillis())).isTrue();
    }

    @Test
    void endpointsAreLocalThenReflexiveThenTheRelay() {
        assertThat(RecordSigner.endpoints(LOCAL, OUTSIDE, RELAY)).containsExactly(
                new Endpoint(Endpoint.Kind.LOCAL, LOCAL), new Endpoint(Endpoint.Kind.REFLEXIVE, OUTSIDE),
                new Endpoint(Endpoint.Kind.RELAY, RELAY));
    }

    @Test
    void aReflexiveEndpointThatIsTheLocalOneIsNotRepeatedAndNoRelayBeforeTheBackboneIsKnown() {
        assertThat(RecordSigner.endpoints(LOCAL, LOCAL, null)).containsExactly(new Endpoint(Endpoint.Kind.LOCAL, LOCAL));
    }

    @Test
    void aWildcardBindPublishesLocalAddressesOnItsPort() {
        List<Endpoint> endpoints = RecordSigner.endpoints(new InetSocketAddress(7123), null, null);

        assertThat(endpoints).isNotEmpty().allSatisfy(e -> {
            assertThat(e.kind()).isEqualTo(Endpoint.Kind.LOCAL);
            assertThat(e.address().getPort()).isEqualTo(7123);
            assertThat(e.address().getAddress().isAnyLocalAddress()).isFalse();
        });
    }
}
