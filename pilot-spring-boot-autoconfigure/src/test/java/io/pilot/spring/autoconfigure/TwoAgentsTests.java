package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.directory.NodeRecord;
import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.PilotReply;
import io.pilot.spring.observation.PilotPath;
import io.pilot.spring.runtime.PilotRuntime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Two Spring applications (separate contexts, separate nodes) discover each other and call capabilities directly. */
class TwoAgentsTests {

    @TempDir
    Path dir;

    @PilotAgent
    static class SlowAgent {
        @Capability("slow.op")
        String slow(String in) throws InterruptedException {
            Thread.sleep(3000);
            return in;
        }
    }

    /** Wraps agents in a proxy, as transactions or security would; calls must go through it. */
    static final class CountingProxies implements BeanPostProcessor {
        static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (!(bean instanceof Agents.PapersAgent)) {
                return bean;
            }
            ProxyFactory factory = new ProxyFactory(bean);
            factory.setProxyTargetClass(true);
            factory.addAdvice((MethodInterceptor) invocation -> {
                CALLS.incrementAndGet();
                return invocation.proceed();
            });
            return factory.getProxy();
        }
    }

    /** A declarative client for the papers agent. */
    interface Papers {
        @Capability("papers.resolve-citation")
        Agents.Citation resolve(Agents.CitationQuery query);

        @Capability("papers.search")
        CompletableFuture<List<Agents.Citation>> search(String topic);

        @Capability("papers.note")
        void note(String text);
    }

    @Test
    void agentsFindEachOtherAndCallCapabilitiesDirectly() throws Exception {
        int backbonePort = PilotAutoConfigurationTests.freePort();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort);
        base.withPropertyValues("pilot.hostname=specialist-papers", "pilot.identity.path=" + dir.resolve("papers.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(Agents.PapersAgent.class).withBean(SlowAgent.class)
                .withBean(CountingProxies.class, CountingProxies::new)
                .run(papers -> {
                    assertThat(papers).hasNotFailed();
                    String backboneKey = papers.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    base.withPropertyValues("pilot.hostname=coordinator", "pilot.identity.path=" + dir.resolve("coord.key"),
                                    "pilot.backbone.key=" + backboneKey, "pilot.request-timeout=1s")
                            .run(coordinator -> {
                                assertThat(coordinator).hasNotFailed();
                                PilotClient client = coordinator.getBean(PilotClient.class);
                                exercise(client);
                            });
                });
    }

    private static void exercise(PilotClient client) {
        int proxiedBefore = CountingProxies.CALLS.get();
        Agents.Citation citation = client.call("papers.resolve-citation", new Agents.CitationQuery("10.1145/3133956"),
                Agents.Citation.class);
        assertThat(citation).isEqualTo(new Agents.Citation("10.1145/3133956", "A paper about 10.1145/3133956", 2017));
        assertThat(CountingProxies.CALLS.get()).isGreaterThan(proxiedBefore);

        assertThat(client.callAsync("papers.search", "agents", List.class).join()).hasSize(1);
        PilotReply<Agents.Citation> reply = client.exchange("papers.resolve-citation", new Agents.CitationQuery("10.1/y"),
                Agents.Citation.class).join();
        assertThat(reply.body().title()).isEqualTo("A paper about 10.1/y");
        assertThat(reply.hostname()).isEqualTo("specialist-papers");
        assertThat(reply.address()).isEqualTo(client.find("papers.search").get(0).address());
        assertThat(reply.path()).isEqualTo(PilotPath.DIRECT);
        assertThat(reply.elapsed()).isPositive();
        PilotReply<Agents.Citation> targeted = client.exchange(reply.address().toString(), "papers.resolve-citation",
                new Agents.CitationQuery("10.1/z"), Agents.Citation.class).join();
        assertThat(targeted.hostname()).isNull();
        assertThat(targeted.address()).isEqualTo(reply.address());
        assertThat(targeted.body().doi()).isEqualTo("10.1/z");
        assertThatThrownBy(() -> client.exchange("specialist-papers", "papers.resolve-citation",
                new Agents.CitationQuery("bogus"), Agents.Citation.class).join())
                .hasCauseInstanceOf(PilotRemoteException.class).hasMessageContaining("unknown DOI bogus");
        client.call("specialist-papers", "papers.note", "first", Void.class);
        client.call("papers.note", "second", Void.class);
        assertThat(client.call("papers.count", null, Integer.class)).isEqualTo(2);

        assertThatThrownBy(() -> client.call("papers.resolve-citation", new Agents.CitationQuery("bogus"), Agents.Citation.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageEndingWith(": unknown DOI bogus").hasMessageNotContaining("IllegalArgumentException");
        assertThatThrownBy(() -> client.call("papers.resolve-citation", null, Agents.Citation.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageEndingWith(": papers.resolve-citation needs an argument (JSON), got none");
        // The provider enforces the caller's deadline: it answers DEADLINE_EXCEEDED (TIMEOUT is for one that answers nothing).
        assertThatThrownBy(() -> client.call("slow.op", "x", String.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
        assertThatThrownBy(() -> client.call("specialist-papers", "no.such.capability", "x", String.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_LISTENER))
                .hasMessageContaining("no capability 'no.such.capability'");
        assertThatThrownBy(() -> client.call("nobody.offers.this", "x", String.class)).isInstanceOf(PilotRemoteException.class)
                .hasMessageContaining("nobody.offers.this");

        Papers papers = client.capabilities(Papers.class);
        assertThat(papers.resolve(new Agents.CitationQuery("10.1/x")).title()).isEqualTo("A paper about 10.1/x");
        assertThat(papers.search("mesh").join()).singleElement()
                .isEqualTo(new Agents.Citation("10.1/mesh", "mesh", 2020));
        papers.note("third");
        assertThat(client.call("papers.count", null, Integer.class)).isEqualTo(3);
        assertThatThrownBy(() -> papers.resolve(new Agents.CitationQuery("bogus"))).isInstanceOf(PilotRemoteException.class)
                .hasMessageContaining("unknown DOI bogus");
        assertThatThrownBy(() -> client.capabilities(Runnable.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no @Capability");

        assertThat(client.find("papers.search")).extracting(NodeRecord::hostname).containsExactly("specialist-papers");
        assertThat(client.ping("specialist-papers")).isPositive();
        assertThat(client.members("RESEARCH")).extracting(NodeRecord::hostname).containsExactly("specialist-papers");
        assertThat(client.broadcast("RESEARCH", "hello").group()).isEqualTo("RESEARCH");
    }
}
