package io.pilot.engine.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.Ports;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;
import io.pilot.engine.session.AccessPolicy;
import io.pilot.engine.session.SessionSettings;
import io.pilot.engine.wire.DropReason;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who may hold a session with whom, enforced at the tunnel: a refused peer gets no session at all. */
class AccessPoliciesTests {

    /** A refused initiator waits for a confirmation that never comes: give up on it quickly. */
    private static final UnaryOperator<PilotNode.Builder> QUICK_CONNECT =
            n -> n.sessionSettings(SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(1)));

    @RegisterExtension
    final Realm realm = new Realm();

    @Test
    void anAllowListByKeyLetsInOnlyThoseKeysAsTheyWereWhenItWasMade() {
        PilotNode friend = realm.node(QUICK_CONNECT);
        PilotNode stranger = realm.node(QUICK_CONNECT);
        List<NodeKey> keys = new ArrayList<>(List.of(friend.publicKey()));
        PilotNode guarded = realm.node(n -> n.accessPolicy(AccessPolicies.allowKeys(keys)));
        keys.add(stranger.publicKey());

        assertThat(friend.connect(guarded.publicKey(), guarded.localEndpoint()).join().established()).isTrue();
        assertRefused(stranger, guarded);
        assertThat(guarded.stats().dropped(DropReason.NOT_ALLOWED)).isPositive();
        assertThat(guarded.stats().sessions()).isEqualTo(1);
    }

    @Test
    void anAllowListByAddressRefusesOthersOnBothSidesOfTheHandshake() {
        PilotNode friend = realm.node(n -> n);
        PilotNode stranger = realm.node(QUICK_CONNECT);
        PilotNode guarded = realm.node(n -> n.accessPolicy(AccessPolicies.allowAddresses(List.of(friend.address())))
                .sessionSettings(SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(1))));

        assertThat(guarded.connect(friend.publicKey(), friend.localEndpoint()).join().established()).isTrue();
        assertRefused(stranger, guarded);
        // As initiator too: the guarded node will not finish a handshake with a node it does not allow.
        assertThatThrownBy(() -> guarded.connect(stranger.publicKey(), stranger.localEndpoint()).join())
                .cause().hasMessageContaining("access policy refuses " + stranger.address());
    }

    @Test
    void realmMembersIsTheEnginesDefault() {
        assertThat(AccessPolicies.realmMembers()).isSameAs(AccessPolicy.REALM_MEMBERS);
    }

    @Test
    void aSharedGroupLetsInFellowMembersAndTheBackboneOnly() {
        realm.startBackbone();
        DirectoryClient colleague = realm.client("colleague", QUICK_CONNECT, b -> b.group("RESEARCH").group("TRADING"));
        colleague.start().join();
        DirectoryClient trader = realm.client("trader", QUICK_CONNECT, b -> b.group("TRADING"));
        trader.start().join();
        SharedGroupPolicy policy = AccessPolicies.sharedGroup();
        DirectoryClient analyst = realm.client("analyst", n -> n.accessPolicy(policy)
                        .sessionSettings(SessionSettings.DEFAULTS.withConnectTimeout(Duration.ofSeconds(1))),
                b -> b.group("RESEARCH"));

        // Binding starts the client: the backbone is let in, so the analyst registers.
        assertThat(policy.bind(analyst).join().groups()).containsExactly("RESEARCH");

        assertThat(colleague.request("analyst", Ports.ECHO, Message.of("hi")).join().bodyAsString()).isEqualTo("hi");
        assertThatThrownBy(() -> trader.request("analyst", Ports.ECHO, Message.of("hi")).join())
                .cause().isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE));
        assertThat(analyst.node().stats().dropped(DropReason.NOT_ALLOWED)).isPositive();
        assertThatThrownBy(() -> analyst.request("trader", Ports.ECHO, Message.of("hi")).join())
                .cause().hasMessageContaining("access policy refuses");

        // A member that joins later is let in once the backbone's push about it has arrived.
        DirectoryClient newcomer = realm.agent("newcomer", b -> b.group("RESEARCH"));
        NodeKey newcomerKey = newcomer.node().publicKey();
        await().atMost(5, TimeUnit.SECONDS).until(() -> policy.allows(newcomerKey, newcomer.node().address()));
        assertThat(newcomer.request("analyst", Ports.ECHO, Message.of("hello")).join().bodyAsString()).isEqualTo("hello");
    }

    @Test
    void anUnboundSharedGroupPolicyRefusesEveryone() {
        PilotNode anyone = realm.node(n -> n);
        assertThat(AccessPolicies.sharedGroup().allows(anyone.publicKey(), anyone.address())).isFalse();
    }

    @Test
    void aSharedGroupPolicyNeedsTheBackbonesKeyPinned() {
        realm.startBackbone();
        DirectoryClient unpinned = DirectoryClient.builder(realm.node(n -> n)).hostname("unpinned")
                .backbone(realm.backboneNode().localEndpoint(), null).build();
        try (unpinned) {
            assertThatThrownBy(() -> AccessPolicies.sharedGroup().bind(unpinned))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pin the backbone's key");
        }
    }

    private static void assertRefused(PilotNode initiator, PilotNode guarded) {
        assertThatThrownBy(() -> initiator.connect(guarded.publicKey(), guarded.localEndpoint()).join())
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(PilotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNREACHABLE));
    }
}
