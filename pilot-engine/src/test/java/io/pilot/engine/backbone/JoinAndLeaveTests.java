package io.pilot.engine.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.directory.DirectoryError;
import io.pilot.engine.directory.DirectoryException;
import io.pilot.engine.directory.DirectoryProtocol.GroupPolicy;
import io.pilot.engine.directory.NodeRecord;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A registered node changes its groups while it runs; the backbone admits (or refuses) and others see it. */
class JoinAndLeaveTests {

    @RegisterExtension
    final Mesh mesh = new Mesh();

    private DirectoryClient papers;
    private DirectoryClient observer;

    @BeforeEach
    void startRealm() {
        mesh.startBackbone(BackboneSettings.DEFAULTS, DirectoryStore.none());
        papers = mesh.agent("papers", b -> b.group("RESEARCH"));
        observer = mesh.agent("observer", b -> b);
    }

    @Test
    void joiningAnOpenGroupPublishesTheRecordAtOnce() {
        NodeRecord record = papers.joinGroup("FINANCE", null).join();

        assertThat(record.groups()).containsExactly("FINANCE", "RESEARCH");
        assertThat(papers.record().orElseThrow().groups()).containsExactly("FINANCE", "RESEARCH");
        assertThat(observer.members("FINANCE").join()).extracting(NodeRecord::hostname).containsExactly("papers");
        assertThat(observer.members("RESEARCH").join()).extracting(NodeRecord::hostname).containsExactly("papers");
    }

    @Test
    void leavingAGroupTakesTheNodeOutOfItsMembers() {
        NodeRecord record = papers.leaveGroup("RESEARCH").join();

        assertThat(record.groups()).isEmpty();
        assertThat(observer.members("RESEARCH").join()).isEmpty();
        // Leaving a group the node is not in changes nothing and is no error.
        assertThat(papers.leaveGroup("NEVER-JOINED").join().groups()).isEmpty();
    }

    @Test
    void aGroupThatNeedsATokenRefusesWithoutItAndTheGroupsStayAsTheyWere() {
        observer.createGroup("TRADING", GroupPolicy.TOKEN, "desk-42".getBytes(StandardCharsets.UTF_8)).join();

        assertThatThrownBy(() -> papers.joinGroup("TRADING", "guess".getBytes(StandardCharsets.UTF_8)).join())
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(DirectoryException.class, e -> assertThat(e.error()).isEqualTo(DirectoryError.GROUP_DENIED));
        assertThat(papers.record().orElseThrow().groups()).containsExactly("RESEARCH");
        assertThat(observer.members("TRADING").join()).isEmpty();

        NodeRecord admitted = papers.joinGroup("TRADING", "desk-42".getBytes(StandardCharsets.UTF_8)).join();

        assertThat(admitted.groups()).containsExactly("RESEARCH", "TRADING");
        assertThat(observer.members("TRADING").join()).extracting(NodeRecord::hostname).containsExactly("papers");
    }

    @Test
    void aClosedClientChangesNothing() {
        papers.close();

        assertThatThrownBy(() -> papers.joinGroup("FINANCE", null).join()).hasCauseInstanceOf(IllegalStateException.class);
    }
}
