package io.pilot.spring.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.ClientInterfaceProxy;
import io.pilot.spring.clients.FxClients.Fx;
import io.pilot.spring.clients.FxClients.FxOnB;
import io.pilot.spring.clients.FxClients.Rate;
import io.pilot.spring.clients.FxClients.RateQuery;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

/**
 * Client-interface beans processed ahead of time, as for a native image: their definitions are written out with the
 * interface as target type, and the JDK proxy and the Jackson-bound types get hints.
 */
class ClientInterfacesAotTests {

    @Test
    void clientInterfaceBeansGetProxyAndBindingHints() throws Exception {
        GenericApplicationContext context = new GenericApplicationContext();
        AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
        context.registerBean(JacksonAutoConfiguration.class);
        context.registerBean(PilotAutoConfiguration.class);
        context.registerBean(ClientInterfacesTests.CoordinatorConfiguration.class);
        InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();
        DefaultGenerationContext generation = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get("com.example", "ClientsAotApplication")), files);

        ClassName initializer = new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
        generation.writeGeneratedContent();
        RuntimeHints hints = generation.getRuntimeHints();

        assertThat(initializer).isNotNull();
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(Fx.class, ClientInterfaceProxy.class)).accepts(hints);
        assertThat(RuntimeHintsPredicates.proxies().forInterfaces(FxOnB.class, ClientInterfaceProxy.class)).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(Rate.class)).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(RateQuery.class)).accepts(hints);
        // Each definition is written out as a factory of its interface, by constructor, no reflection on the factory.
        StringBuilder code = new StringBuilder();
        for (String file : files.getGeneratedFiles(Kind.SOURCE).keySet()) {
            code.append(files.getGeneratedFileContent(Kind.SOURCE, file));
        }
        assertThat(Arrays.asList(context.getBeanFactory().getBeanNamesForType(Fx.class))).containsExactly("fx");
        assertThat(code).contains("new PilotClientFactoryBean");
    }
}
