package io.pilot.engine.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MembershipTests {

    @RegisterExtension
    final Realm realm = new Realm();

    private final List<String> events = new CopyOnWriteArrayList<>();

    private final MembershipListener recorder = new MembershipListener() {
        @Override
        public void joined(NodeRecord member) {
            events.add("joined " + member.hostname());
        }

        @Override
        public void left(NodeRecord member) {
            events.add("left " + member.hostname());
        }
    };

    @Test
    void aWatchHearsCurrentMembersThenJoinsAndLeavesOnceEach() {
        realm.startBackbone();
        realm.agent("early", b -> b.group("RESEARCH"));
        realm.agent("trader", b -> b.group("TRADING"));
        DirectoryClient watcher = realm.agent("watcher", b -> b);
        DirectoryView members = GroupMessaging.of(watcher).watchMembers("RESEARCH", recorder).join();
        assertThat(events).containsExactly("joined early");

        DirectoryClient late = realm.agent("late", b -> b.group("RESEARCH").group("TRADING"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> members.records().size() == 2);
        late.close();

        await().atMost(5, TimeUnit.SECONDS).until(() -> events.contains("left late"));
        // Publishing the local endpoint and then the reflexive one is two directory events, one join here.
        assertThat(events).containsExactly("joined early", "joined late", "left late");
        assertThat(members.records()).extracting(NodeRecord::hostname).containsExactly("early");
    }

    @Test
    void anOpenViewOfTheGroupIsWhatBroadcastsSendTo() {
        realm.startBackbone();
        DirectoryClient sender = realm.agent("sender", b -> b.group("RESEARCH"));
        GroupMessaging groups = GroupMessaging.of(sender);
        DirectoryView members = groups.watchMembers("RESEARCH", MembershipListener.NONE).join();
        DirectoryClient member = realm.agent("member", b -> b.group("RESEARCH"));
        List<String> heard = new CopyOnWriteArrayList<>();
        member.node().listen(2001, MessageHandler.of(in -> {
            heard.add(in.message().bodyAsString());
            return Message.empty();
        }));
        await().atMost(5, TimeUnit.SECONDS).until(() -> members.record(member.node().address()).isPresent());

        assertThat(groups.broadcast("RESEARCH", 2001, Message.of("hi")).join().delivered())
                .extracting(NodeRecord::hostname).containsExactly("member");
        await().atMost(5, TimeUnit.SECONDS).until(() -> heard.contains("hi"));

        // Closed, the view stops changing and broadcasts go back to asking the backbone.
        members.close();
        realm.agent("newcomer", b -> b.group("RESEARCH"));
        assertThat(members.records()).extracting(NodeRecord::hostname).containsExactlyInAnyOrder("sender", "member");
        assertThat(groups.broadcast("RESEARCH", 2001, Message.of("again")).join().delivered())
                .extracting(NodeRecord::hostname).containsExactlyInAnyOrder("member", "newcomer");
    }
}
