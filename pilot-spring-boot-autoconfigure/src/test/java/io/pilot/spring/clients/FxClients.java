package io.pilot.spring.clients;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotClientInterface;
import io.pilot.spring.PilotReply;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.core.env.Environment;
import org.springframework.messaging.handler.annotation.Header;

import reactor.core.publisher.Mono;

/** The provider and the client interfaces the client-interface tests use. */
final class FxClients {

    private FxClients() {
    }

    record RateQuery(String pair, String day) {
    }

    /** A rate, with the agent that gave it. */
    record Rate(String pair, String day, String agent) {
    }

    /** Holds {@code fx.hold} until the test lets it go. */
    static volatile CountDownLatch held = new CountDownLatch(1);

    /** An fx provider; each answer names the agent that gave it. */
    @PilotAgent
    static class FxAgent {

        private final String name;

        FxAgent(Environment environment) {
            this.name = environment.getRequiredProperty("pilot.hostname");
        }

        @Capability("fx.rate")
        Rate rate(RateQuery query) {
            return new Rate(query.pair(), query.day(), name);
        }

        @Capability("fx.rates")
        List<Rate> rates(String pair) {
            return List.of(new Rate(pair, "mon", name), new Rate(pair, "tue", name));
        }

        @Capability("fx.hold")
        String hold(String in) throws InterruptedException {
            held.await(30, TimeUnit.SECONDS);
            return in;
        }
    }

    /** Any provider; several parameters, a header, futures and a Mono. */
    interface Fx {
        @Capability("fx.rate")
        Rate rate(String pair, String day, @Header("tenant") String tenant);

        @Capability("fx.rate")
        CompletableFuture<Rate> rateLater(String pair, String day, @Header("tenant") String tenant);

        @Capability("fx.rate")
        Mono<Rate> rateMono(String pair, String day, @Header(name = "tenant", required = false) String tenant);

        @Capability("fx.rates")
        List<Rate> rates(String pair);

        /** The reply with who gave it, over which path, in how long. */
        @Capability("fx.rate")
        CompletableFuture<PilotReply<Rate>> rateReply(String pair, String day, @Header(name = "tenant", required = false) String tenant);

        @Capability("fx.rates")
        PilotReply<List<Rate>> ratesReply(String pair);

        @Capability("fx.rate")
        Mono<PilotReply<Rate>> rateReplyMono(String pair, String day, @Header(name = "tenant", required = false) String tenant);

        @Capability(value = "fx.hold", timeout = "300ms")
        String holdBriefly(String in);
    }

    /** Configured to call fx-b only. */
    interface FxOnB {
        @Capability("fx.rate")
        Rate rate(RateQuery query);
    }

    /** Configured to call members of FINANCE only. */
    interface FinanceFx {
        @Capability("fx.rate")
        Rate rate(RateQuery query);
    }

    /** Configured with a timeout of 300 ms. */
    interface SlowFx {
        @Capability("fx.hold")
        String hold(String in);

        @Capability("fx.hold")
        PilotReply<String> holdReply(String in);
    }

    /** Found by scanning: the marker, no listing. */
    @PilotClientInterface
    interface ScannedFx {
        @Capability("fx.rates")
        List<Rate> rates(String pair);
    }

    /** A method that names no capability. */
    interface Broken {
        @Capability("fx.rate")
        Rate rate(RateQuery query);

        Rate unmarked(RateQuery query);
    }
}
