package io.pilot.spring.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;
import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;
import io.pilot.spring.PilotCaller;
import io.pilot.spring.PilotCapabilityException;
import io.pilot.spring.PilotClient;
import io.pilot.spring.PilotProblem;
import io.pilot.spring.PilotRemoteException;
import io.pilot.spring.autoconfigure.PilotAutoConfiguration;
import io.pilot.spring.runtime.PilotRuntime;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.messaging.handler.annotation.Header;

import reactor.core.publisher.Mono;

/**
 * Capability handlers with several parameters, the caller, headers, validation and reactive results, and the typed
 * errors they answer with: two Spring applications (separate contexts, separate nodes) over a real tunnel on loopback.
 */
class HandlerArgumentsTests {

    @TempDir
    Path dir;

    record Order(@NotBlank String item, @Min(1) int quantity) {
    }

    record Conversion(String from, String to, double amount) {
    }

    @PilotAgent(groups = "TRADERS")
    static class ShopAgent {

        @Capability("shop.convert")
        Conversion convert(String from, String to, double amount) {
            return new Conversion(from, to, amount * 2);
        }

        @Capability("shop.optional")
        String optional(String name, Optional<String> greeting) {
            return greeting.orElse("hello") + " " + name;
        }

        @Capability("shop.whoami")
        Map<String, Object> whoami(PilotCaller caller, PilotAddress address) {
            return Map.of("address", caller.address().toString(), "same", address.equals(caller.address()),
                    "hostname", caller.hostname().orElse("?"), "groups", caller.groups());
        }

        @Capability("shop.tenant")
        String tenant(@Header("x-tenant") String tenant, @Header(name = "x-priority", required = false) Integer priority,
                String item) {
            return tenant + "/" + item + "/" + priority;
        }

        @Capability("shop.order")
        String order(@Valid Order order) {
            return order.quantity() + " x " + order.item();
        }

        @Capability("shop.missing")
        String missing(String sku) {
            throw PilotCapabilityException.notFound("no product " + sku);
        }

        @Capability("shop.broken")
        String broken(String in) {
            throw new IllegalStateException("database password is hunter2");
        }

        @Capability("shop.later")
        CompletionStage<String> later(String in) {
            return CompletableFuture.supplyAsync(() -> {
                throw new IllegalStateException("async secret");
            });
        }

        @Capability("shop.mono")
        Mono<Conversion> mono(String from) {
            return Mono.fromSupplier(() -> new Conversion(from, "EUR", 1.5));
        }

        @Capability("shop.mono-empty")
        Mono<String> monoEmpty() {
            return Mono.empty();
        }
    }

    @Test
    void handlersBindSeveralArgumentsTheCallerAndHeadersAndAnswerTypedErrors() throws Exception {
        int backbonePort = freePort();
        ApplicationContextRunner base = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ValidationAutoConfiguration.class,
                        PilotAutoConfiguration.class))
                .withPropertyValues("pilot.bind.address=127.0.0.1", "pilot.backbone.address=127.0.0.1:" + backbonePort,
                        "pilot.control.enabled=false");
        base.withPropertyValues("pilot.hostname=shop", "pilot.identity.path=" + dir.resolve("shop.key"),
                        "pilot.backbone.embedded=true", "pilot.backbone.identity=" + dir.resolve("bb.key"))
                .withBean(ShopAgent.class)
                .run(shop -> {
                    assertThat(shop).hasNotFailed();
                    String backboneKey = shop.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                            .publicKey().toString();
                    ApplicationContextRunner others = base.withPropertyValues("pilot.backbone.key=" + backboneKey,
                            "pilot.request-timeout=5s");
                    others.withPropertyValues("pilot.hostname=detailed", "pilot.identity.path=" + dir.resolve("detailed.key"),
                                    "pilot.server.error.include-details=true")
                            .withBean(DetailedAgent.class)
                            .run(detailed -> others.withPropertyValues("pilot.hostname=buyer",
                                            "pilot.identity.path=" + dir.resolve("buyer.key"), "pilot.groups=BUYERS,TRADERS")
                                    .run(buyer -> {
                                        assertThat(detailed).hasNotFailed();
                                        assertThat(buyer).hasNotFailed();
                                        exercise(buyer.getBean(PilotClient.class), buyer.getBean(PilotRuntime.class));
                                    }));
                });
    }

    @PilotAgent
    static class DetailedAgent {
        @Capability("detailed.broken")
        String broken(String in) {
            throw new IllegalStateException("the details " + in);
        }
    }

    private static void exercise(PilotClient client, PilotRuntime buyer) {
        // Several parameters, bound from a JSON object by name.
        assertThat(client.call("shop.convert", Map.of("from", "USD", "to", "GBP", "amount", 10), Conversion.class))
                .isEqualTo(new Conversion("USD", "GBP", 20));
        assertThat(client.call("shop.optional", Map.of("name", "ada"), String.class)).isEqualTo("hello ada");
        assertThat(client.call("shop.optional", Map.of("name", "ada", "greeting", "hi"), String.class)).isEqualTo("hi ada");

        // The caller, as the handshake proved it and the directory describes it.
        @SuppressWarnings("unchecked")
        Map<String, Object> whoami = client.call("shop.whoami", null, Map.class);
        assertThat(whoami).containsEntry("address", buyer.address().toString()).containsEntry("same", true)
                .containsEntry("hostname", "buyer");
        assertThat((List<Object>) whoami.get("groups")).containsExactlyInAnyOrder("BUYERS", "TRADERS");

        // Headers: bound by @Header; an unknown one is ignored; a missing required one is the caller's mistake.
        PilotSocketAddress shop = new PilotSocketAddress(client.find("shop.tenant").get(0).address(), 100);
        assertThat(buyer.node().request(shop, Message.of("\"pen\"")
                .with(Headers.CAPABILITY, "shop.tenant").with("x-tenant", "acme").with("x-priority", "3")
                .with("x-unknown", "whatever")).join().bodyAsString()).isEqualTo("\"acme/pen/3\"");
        assertThat(buyer.node().request(shop, Message.of("\"pen\"")
                .with(Headers.CAPABILITY, "shop.tenant").with("x-tenant", "acme")).join().bodyAsString())
                .isEqualTo("\"acme/pen/null\"");
        assertThatThrownBy(() -> client.call("shop.tenant", "pen", String.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.fieldErrors()).containsExactly(new PilotProblem.FieldError("x-tenant", "required", "is a required header"));
                    assertThat(e.type()).isEqualTo("urn:pilot:error:invalid-argument");
                    assertThat(e.title()).isEqualTo("Invalid argument");
                    assertThat(e.capability()).isEqualTo("shop.tenant");
                });

        // Bean Validation: the field and the rule it broke.
        assertThat(client.call("shop.order", Map.of("item", "pen", "quantity", 2), String.class)).isEqualTo("2 x pen");
        assertThatThrownBy(() -> client.call("shop.order", Map.of("item", " ", "quantity", 0), String.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.fieldErrors()).extracting(PilotProblem.FieldError::field, PilotProblem.FieldError::rule)
                            .containsExactlyInAnyOrder(Tuple.tuple("item", "NotBlank"),
                                    Tuple.tuple("quantity", "Min"));
                    assertThat(e.detail()).contains("'item'", "'quantity'", "NotBlank", "Min");
                });

        // Arguments of the wrong shape: the field named, nothing of the server's classes.
        assertThatThrownBy(() -> client.call("shop.convert", Map.of("from", "USD", "to", "GBP", "amount", "ten"), Conversion.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.fieldErrors()).containsExactly(new PilotProblem.FieldError("amount", "type", "must be a number"));
                    assertThat(everything(e)).contains("amount").doesNotContain("Conversion", "jackson", "Jackson", "double", "java.");
                });
        assertThatThrownBy(() -> client.call("shop.convert", Map.of("from", "USD", "amount", 1), Conversion.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.fieldErrors()).containsExactly(new PilotProblem.FieldError("to", "required", "is required"));
                });
        assertThatThrownBy(() -> client.call("shop.convert", List.of(1, 2), Conversion.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("must be a JSON object with the fields [from, to, amount]");
        assertThatThrownBy(() -> client.call("shop.order", Map.of("item", "pen", "quantity", List.of(1)), String.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e ->
                        assertThat(e.fieldErrors()).containsExactly(new PilotProblem.FieldError("quantity", "type", "must be an integer")));

        // The other codes, as the method chose them.
        assertThatThrownBy(() -> client.call("shop.missing", "sku-1", String.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.detail()).isEqualTo("no product sku-1");
                }).hasMessageEndingWith(": no product sku-1");

        // A bug: INTERNAL, and nothing of the exception reaches the caller.
        for (String capability : List.of("shop.broken", "shop.later")) {
            assertThatThrownBy(() -> client.call(capability, "x", String.class))
                    .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                        assertThat(e.title()).isEqualTo("Internal");
                        assertThat(everything(e)).doesNotContain("IllegalStateException", "hunter2", "secret", "ShopAgent");
                        PilotException wire = (PilotException) e.getCause();
                        assertThat(wire.reply().header(Headers.CONTENT_TYPE)).isEqualTo(PilotProblem.MEDIA_TYPE);
                        assertThat(new String(wire.reply().body(), StandardCharsets.UTF_8))
                                .contains("\"code\":\"INTERNAL\"", "\"capability\":\"" + capability + "\"")
                                .doesNotContain("IllegalStateException", "hunter2", "secret");
                    });
        }
        // ... unless the serving agent allows it.
        assertThatThrownBy(() -> client.call("detailed.broken", "x", String.class))
                .isInstanceOfSatisfying(PilotRemoteException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(e.detail()).isEqualTo("java.lang.IllegalStateException: the details x");
                });

        // A Mono: its one value is the reply; an empty one is an empty reply.
        assertThat(client.call("shop.mono", "USD", Conversion.class)).isEqualTo(new Conversion("USD", "EUR", 1.5));
        assertThat(client.call("shop.mono-empty", null, String.class)).isNull();
    }

    /**
     * Everything of {@code e} that came from the serving agent: its text and its causes' (their stack frames are the
     * caller's own), and the problem document as it arrived.
     */
    private static String everything(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t).append('\n');
            if (t instanceof PilotException pilot && pilot.reply() != null) {
                text.append(new String(pilot.reply().body(), StandardCharsets.UTF_8)).append('\n');
            }
        }
        return text.toString();
    }

    private static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }
}
