package io.pilot.engine.directory;

import io.pilot.engine.PilotNode;
import io.pilot.engine.TestNodes;
import io.pilot.engine.backbone.Backbone;
import io.pilot.engine.backbone.BackboneSettings;
import io.pilot.engine.backbone.DirectoryStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

/** The directory searched by skill: real agents registered with a real backbone, found by name, glob and words. */
class SkillSearchTests {

    @RegisterExtension
    final TestNodes nodes = new TestNodes();

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private PilotNode backboneNode;
    private DirectoryClient caller;

    @BeforeEach
    void startRealm() {
        backboneNode = nodes.start();
        closeables.add(0, Backbone.start(backboneNode, BackboneSettings.DEFAULTS, DirectoryStore.none()));
        caller = started(DirectoryClient.builder(nodes.start()).hostname("caller"));
        started(DirectoryClient.builder(nodes.start()).hostname("papers")
                .capability("papers.resolve-citation", "Resolves a citation to its paper", SchemaPublicationTests.SMALL)
                .capability(described("papers.search", "Searches papers by topic"))
                .capability("fx.rate"));
        started(DirectoryClient.builder(nodes.start()).hostname("news")
                .capability(described("news.search", "Searches news by topic")));
        started(DirectoryClient.builder(nodes.start()).hostname("papers-2")
                .capability(described("papers.search", "Searches papers by topic")));
    }

    private static CapabilityInfo described(String name, String description) {
        return new CapabilityInfo(name, Map.of(CapabilityInfo.DESCRIPTION, description));
    }

    private DirectoryClient started(DirectoryClient.Builder builder) {
        DirectoryClient client = builder.backbone(backboneNode.localEndpoint(), backboneNode.publicKey()).build();
        closeables.add(0, client);
        client.start().join();
        return client;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    @Test
    void oneNameFindsEveryProviderWithItsDescription() {
        assertThat(caller.skills(SkillSearch.of("papers.search", null)).join())
                .extracting(SkillSearch.Skill::name, s -> s.provider().hostname(), SkillSearch.Skill::description)
                .containsExactly(tuple("papers.search", "papers", "Searches papers by topic"),
                        tuple("papers.search", "papers-2", "Searches papers by topic"));
    }

    @Test
    void aGlobSelectsByNameAndWordsNarrowByDescription() {
        assertThat(caller.skills(SkillSearch.of("papers.*", null)).join())
                .extracting(SkillSearch.Skill::name, s -> s.provider().hostname(), SkillSearch.Skill::hasSchema)
                .containsExactly(tuple("papers.resolve-citation", "papers", true), tuple("papers.search", "papers", false),
                        tuple("papers.search", "papers-2", false));
        assertThat(caller.skills(SkillSearch.of("*.search", "NEWS topic")).join())
                .extracting(s -> s.provider().hostname()).containsExactly("news");
        assertThat(caller.skills(SkillSearch.of("*", null)).join()).extracting(SkillSearch.Skill::name)
                .contains("fx.rate", "news.search").hasSize(5);
        assertThat(caller.skills(SkillSearch.of("weather.*", null)).join()).isEmpty();
    }

    @Test
    void aPatternNoCapabilityNameCouldMatchIsRefusedWithTheRule() {
        assertThatIllegalArgumentException().isThrownBy(() -> SkillSearch.of("Papers.[a-z]+", null))
                .withMessageContaining("invalid skill pattern 'Papers.[a-z]+'").withMessageContaining("'*' for any run");
        assertThatIllegalArgumentException().isThrownBy(() -> SkillSearch.of("", null));
    }
}
