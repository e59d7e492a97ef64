package io.pilot.benchmarks.boot;

import io.pilot.spring.PilotNodeBuilderCustomizer;

import java.time.Duration;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;

/**
 * The provider's reply coalescing window from {@code bench.reply-coalescing-window} (a duration, {@code 0s} for none),
 * when set; otherwise the node's default. As an application sets it: a {@link PilotNodeBuilderCustomizer} bean.
 */
@Configuration(proxyBeanMethods = false)
@Profile("provider")
@ConditionalOnProperty("bench.reply-coalescing-window")
class ReplyCoalescing {

    @Bean
    PilotNodeBuilderCustomizer replyCoalescingWindow(Environment environment) {
        Duration window = environment.getRequiredProperty("bench.reply-coalescing-window", Duration.class);
        return node -> node.replyCoalescingWindow(window);
    }
}
