package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.runtime.PilotRuntime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * Slow capabilities (an LLM call takes seconds) served by two Boot applications over loopback: on virtual threads
 * when {@code spring.threads.virtual.enabled} is set (Java 21+), else on Boot's task executor; past the agent's or a
 * capability's limit a call is answered OVERLOADED. Concurrency is proven with counters and latches, never timing.
 * The starter is built for Java 17, so the virtual-thread provider runs as a child process on a JDK 21+ found on the
 * machine ({@link JavaWithVirtualThreads}, {@link VirtualThreadProviderApp}): plain {@code ./mvnw verify} runs it.
 */
class SlowCapabilitiesTests {

    @TempDir
    Path dir;

    private ApplicationContextRunner base(int backbonePort) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
                        PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort,
                        "pilot.control.enabled=false", "pilot.request-timeout=60s");
    }

    private void withProviderAndCaller(String[] providerProperties, Scenario scenario) throws Exception {
        int backbonePort = PilotAutoConfigurationTests.freePort();
        base(backbonePort).withPropertyValues("pilot.hostname=slow", "pilot.identity.path=" + dir.resolve("slow.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withPropertyValues(providerProperties)
                .withBean(SlowAgent.class)
                .run(provider -> {
                    assertThat(provider).hasNotFailed();
                    String backboneKey = provider.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    base(backbonePort).withPropertyValues("pilot.hostname=caller", "pilot.identity.path="
                                    + dir.resolve("caller.key"), "pilot.backbone.key=" + backboneKey)
                            .run(caller -> {
                                assertThat(caller).hasNotFailed();
                                SlowAgent agent = provider.getBean(SlowAgent.class);
                                try {
                                    scenario.run(caller.getBean(PilotClient.class), agent, provider);
                                } finally {
                                    agent.release.countDown();
                                }
                            });
                });
    }

    interface Scenario {
        void run(PilotClient client, SlowAgent agent, ApplicationContext provider) throws Exception;
    }

    @Test
    void aHundredSlowCallsAreServedAtOnceOnVirtualThreadsAndOneMoreIsOverloaded() throws Exception {
        Optional<Path> java = JavaWithVirtualThreads.find();
        assumeThat(java).as("virtual threads need Java 21+: the test JVM is " + Runtime.version().feature()
                + " and no JDK 21+ is named by JAVA_HOME-style variables or installed under /usr/lib/jvm").isPresent();
        int backbonePort = PilotAutoConfigurationTests.freePort();
        try (ProviderProcess provider = ProviderProcess.start(java.get(), List.of("spring.threads.virtual.enabled=true",
                "pilot.server.max-concurrency=100", "pilot.hostname=slow", "pilot.identity.path=" + dir.resolve("slow.key"),
                "pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort,
                "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"),
                "pilot.control.enabled=false", "pilot.request-timeout=60s"))) {
            String[] ready = provider.awaitReady().split(" ");
            assertThat(ready[0]).isEqualTo("ready");
            assertThat(Integer.parseInt(ready[2].substring("java=".length())))
                    .isGreaterThanOrEqualTo(JavaWithVirtualThreads.VIRTUAL_THREADS_SINCE);
            base(backbonePort).withPropertyValues("pilot.hostname=caller", "pilot.identity.path=" + dir.resolve("caller.key"),
                    "pilot.backbone.key=" + ready[1]).run(caller -> {
                        assertThat(caller).hasNotFailed();
                        PilotClient client = caller.getBean(PilotClient.class);
                        provider.ask("expect 100");
                        List<CompletableFuture<String>> calls = new ArrayList<>();
                        for (int i = 0; i < 100; i++) {
                            calls.add(client.callAsync("slow", "llm.think", "question " + i, String.class));
                        }
                        // All hundred are in their handler at the same time: none waits for another to finish.
                        assertThat(provider.counters("await")).as("100 handlers in progress at once, each on a virtual thread")
                                .containsEntry("arrived", "true").containsEntry("inProgress", "100")
                                .containsEntry("virtual", "100").containsEntry("threads", "100");

                        assertThatThrownBy(() -> client.call("slow", "llm.think", "one too many", String.class))
                                .isInstanceOfSatisfying(PilotRemoteException.class,
                                        e -> assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED))
                                .hasMessageContaining("limit of 100");

                        assertThat(provider.ask("release")).isEqualTo("ok");
                        for (int i = 0; i < 100; i++) {
                            assertThat(calls.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("thought about question " + i);
                        }
                        assertThat(provider.counters("counters")).containsEntry("inProgress", "0")
                                .containsEntry("mostAtOnce", "100").containsEntry("virtual", "100");
                    });
        }
    }

    @Test
    void withoutVirtualThreadsHandlersRunOnBootsTaskExecutorAndACapabilityLimitAnswersOverloaded() throws Exception {
        withProviderAndCaller(new String[] {"spring.threads.virtual.enabled=false",
                "spring.task.execution.thread-name-prefix=boot-task-", "spring.task.execution.pool.core-size=8",
                "pilot.server.capability-max-concurrency[llm.configured]=1"},
                (client, agent, provider) -> {
                    agent.arrived = new CountDownLatch(3);
                    CompletableFuture<String> narrowA = client.callAsync("slow", "llm.narrow", "a", String.class);
                    CompletableFuture<String> narrowB = client.callAsync("slow", "llm.narrow", "b", String.class);
                    CompletableFuture<String> configured = client.callAsync("slow", "llm.configured", "c", String.class);
                    assertThat(agent.arrived.await(60, TimeUnit.SECONDS)).isTrue();

                    // The annotation's limit (2) and the property's (1) hold, while the agent has room for more.
                    assertThatThrownBy(() -> client.call("slow", "llm.narrow", "third", String.class))
                            .isInstanceOfSatisfying(PilotRemoteException.class,
                                    e -> assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED))
                            .hasMessageContaining("'llm.narrow' is serving its limit of 2 calls");
                    assertThatThrownBy(() -> client.call("slow", "llm.configured", "second", String.class))
                            .isInstanceOfSatisfying(PilotRemoteException.class,
                                    e -> assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED))
                            .hasMessageContaining("'llm.configured' is serving its limit of 1 calls");
                    assertThat(agent.threads).hasSize(3).allMatch(name -> name.startsWith("boot-task-"));
                    assertThat(agent.virtualThreads.get()).isZero();

                    agent.release.countDown();
                    assertThat(narrowA.get(60, TimeUnit.SECONDS)).isEqualTo("thought about a");
                    assertThat(narrowB.get(60, TimeUnit.SECONDS)).isEqualTo("thought about b");
                    assertThat(configured.get(60, TimeUnit.SECONDS)).isEqualTo("thought about c");
                    // Finished calls give their places back.
                    assertThat(client.call("slow", "llm.narrow", "later", String.class)).isEqualTo("thought about later");
                });
    }

    @Test
    void aLimitThatNamesNoCapabilityOrIsBelowOneFailsStartUp() {
        base(12345).withPropertyValues("pilot.hostname=slow", "pilot.identity.path=" + dir.resolve("bad.key"),
                        "pilot.server.capability-max-concurrency[llm.nothing]=3")
                .withBean(SlowAgent.class)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("pilot.server.capability-max-concurrency names 'llm.nothing'")
                        .hasMessageContaining("llm.think"));
        base(12345).withPropertyValues("pilot.hostname=slow", "pilot.server.max-concurrency=0")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("pilot.server.max-concurrency: is 0"));
    }
}
