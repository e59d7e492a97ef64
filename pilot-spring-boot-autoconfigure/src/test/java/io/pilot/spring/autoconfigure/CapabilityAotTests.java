package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

/**
 * The application context processed ahead of time, as for a native image: the AOT engine registers the capability
 * and group-listener methods for reflective invocation and their argument and result types for Jackson binding.
 */
class CapabilityAotTests {

    static class Plain {
        String hello() {
            return "hello";
        }
    }

    @Test
    void capabilityMethodsAndTheirTypesGetRuntimeHints() {
        GenericApplicationContext context = new GenericApplicationContext();
        AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
        context.registerBean(JacksonAutoConfiguration.class);
        context.registerBean(PilotAutoConfiguration.class);
        context.registerBean("papers", Agents.PapersAgent.class);
        context.registerBean("listener", BootCompletenessTests.WithGroupListenerOnly.class);
        context.registerBean("plain", Plain.class);
        DefaultGenerationContext generation = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get("com.example", "PilotAotApplication")), new InMemoryGeneratedFiles());

        ClassName initializer = new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
        generation.writeGeneratedContent();
        RuntimeHints hints = generation.getRuntimeHints();

        assertThat(initializer).isNotNull();
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Agents.PapersAgent.class, "resolve")).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Agents.PapersAgent.class, "search")).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(BootCompletenessTests.WithGroupListenerOnly.class,
                "on")).accepts(hints);
        // Jackson binds the argument and the result (also the one inside CompletableFuture<List<Citation>>).
        assertThat(RuntimeHintsPredicates.reflection().onType(Agents.CitationQuery.class)).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(Agents.Citation.class)).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Agents.Citation.class, "title")).accepts(hints);
        // A bean's methods that are no capabilities are not opened to reflection.
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Plain.class, "hello")).rejects(hints);
    }
}
