package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/** An application without a web server is kept alive by Boot's keep-alive thread, unless it says otherwise. */
class PilotKeepAliveEnvironmentPostProcessorTests {

    @Configuration(proxyBeanMethods = false)
    static class NoWebServer {
    }

    @Test
    void bootKeepsTheJvmAliveFromRefreshToClose() {
        SpringApplication application = new SpringApplication(NoWebServer.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run()) {
            assertThat(application.isKeepAlive()).isTrue();
            assertThat(keepAliveThreadRuns()).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !keepAliveThreadRuns());
    }

    @Test
    void theApplicationsOwnSettingWins() {
        SpringApplication application = new SpringApplication(NoWebServer.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run("--spring.main.keep-alive=false")) {
            assertThat(application.isKeepAlive()).isFalse();
        }
    }

    private static boolean keepAliveThreadRuns() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals("keep-alive") && thread.isAlive() && !thread.isDaemon());
    }
}
