package io.pilot.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which test classes get the backbone, and that they still share cached contexts. */
class EmbeddedPilotBackboneContextCustomizerFactoryTests {

    private final EmbeddedPilotBackboneContextCustomizerFactory factory = new EmbeddedPilotBackboneContextCustomizerFactory();

    @EmbeddedPilotBackbone
    static class Annotated {
        class Nested {
        }
    }

    static class Subclass extends Annotated {
    }

    static class Plain {
    }

    @Test
    void onlyAnnotatedTestClassesTheirSubclassesAndNestedClassesGetTheBackbone() {
        assertThat(factory.createContextCustomizer(Plain.class, List.of())).isNull();
        assertThat(factory.createContextCustomizer(Annotated.class, List.of())).isNotNull();
        assertThat(factory.createContextCustomizer(Subclass.class, List.of())).isNotNull();
        assertThat(factory.createContextCustomizer(Annotated.Nested.class, List.of())).isNotNull();
    }

    @Test
    void annotatedClassesWithTheSameConfigurationShareACachedContext() {
        assertThat(factory.createContextCustomizer(Annotated.class, List.of()))
                .isEqualTo(factory.createContextCustomizer(Subclass.class, List.of()))
                .hasSameHashCodeAs(factory.createContextCustomizer(Subclass.class, List.of()));
    }
}
