package io.pilot.spring.capability;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.pilot.engine.PeerInfo;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.IncomingMessage;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;
import io.pilot.spring.observation.PilotServerObservationConvention;
import io.pilot.spring.observation.PilotServerRequestContext;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.micrometer.common.KeyValues;
import tools.jackson.databind.json.JsonMapper;

/** The server side's observation, against a {@link TestObservationRegistry}: no node, no network. */
class CapabilityDispatcherObservationTests {

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final NodeKey CALLER_KEY = Identity.generate(new SecureRandom()).publicKey();
    private static final PilotAddress CALLER = CALLER_KEY.address(1);

    private final JsonMapper mapper = new JsonMapper();
    private final TestObservationRegistry observations = TestObservationRegistry.create();
    private final Service service = new Service(observations);

    static final class Service {
        private final ObservationRegistry observations;
        final AtomicReference<Observation> current = new AtomicReference<>();

        Service(ObservationRegistry observations) {
            this.observations = observations;
        }

        String echo(String in) {
            current.set(observations.getCurrentObservation());
            return in;
        }

        String fail(String in) {
            throw new IllegalStateException("broken " + in);
        }

        CompletableFuture<String> busy(String in) {
            return CompletableFuture.failedFuture(new PilotException(ErrorCode.OVERLOADED, "too busy for " + in));
        }
    }

    private CapabilityDispatcher dispatcher(ObservationRegistry registry, Boolean relayed) throws Exception {
        CapabilityRegistry capabilities = new CapabilityRegistry();
        for (String name : new String[] {"echo", "fail", "busy"}) {
            Method method = Service.class.getDeclaredMethod(name, String.class);
            capabilities.register(new CapabilityMethod("test." + name, "", "service", service, method, mapper));
        }
        return new CapabilityDispatcher(capabilities, mapper, registry, null, address -> relayed == null ? Optional.empty()
                : Optional.of(new PeerInfo(address, CALLER_KEY, new InetSocketAddress("127.0.0.1", 9), true, null, 0, 0,
                        null, relayed, "test")));
    }

    private static IncomingMessage request(String capability, String json) {
        return new IncomingMessage(CALLER, CALLER_KEY, CapabilityProtocol.PORT, Message.of(json.getBytes())
                .with(Headers.CAPABILITY, capability).with(Headers.TRACEPARENT, TRACEPARENT), true);
    }

    @Test
    void aServedRequestIsObservedWithTheMethodRunningInItsScope() throws Exception {
        Message reply = dispatcher(observations, true).handle(request("test.echo", "\"hi\"")).toCompletableFuture().join();

        assertThat(reply.bodyAsString()).isEqualTo("\"hi\"");
        assertThat(observations).hasSingleObservationThat().hasNameEqualTo("pilot.server.requests")
                .hasContextualNameEqualTo("serve test.echo")
                .hasLowCardinalityKeyValue("pilot.capability", "test.echo")
                .hasLowCardinalityKeyValue("pilot.outcome", "SUCCESS")
                .hasLowCardinalityKeyValue("pilot.path", "relayed")
                .hasHighCardinalityKeyValue("pilot.peer.address", CALLER.toString())
                .doesNotHaveError().hasBeenStarted().hasBeenStopped();
        Observation inside = service.current.get();
        assertThat(inside).isNotNull();
        assertThat(inside.getContext()).isInstanceOfSatisfying(PilotServerRequestContext.class, context -> {
            assertThat(context.getGetter().get(context.getCarrier(), "traceparent")).isEqualTo(TRACEPARENT);
            assertThat(context.getGetter().get(context.getCarrier(), "TraceParent")).isEqualTo(TRACEPARENT);
            assertThat(context.getResponse()).isSameAs(reply);
        });
    }

    @Test
    void aDirectPathAndAnUnknownPathAreTold() throws Exception {
        dispatcher(observations, false).handle(request("test.echo", "\"a\"")).toCompletableFuture().join();
        assertThat(observations).hasSingleObservationThat().hasLowCardinalityKeyValue("pilot.path", "direct");

        TestObservationRegistry other = TestObservationRegistry.create();
        dispatcher(other, null).handle(request("test.echo", "\"b\"")).toCompletableFuture().join();
        assertThat(other).hasSingleObservationThat().hasLowCardinalityKeyValue("pilot.path", "unknown");
    }

    @Test
    void anExceptionInTheMethodIsRecordedAsThrownAndAnsweredInternal() throws Exception {
        assertThatThrownBy(() -> dispatcher(observations, false).handle(request("test.fail", "\"x\"")).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasRootCauseInstanceOf(PilotException.class)
                .satisfies(e -> assertThat(((PilotException) e.getCause()).code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageNotContaining("broken x").hasMessageNotContaining("IllegalStateException");

        assertThat(observations).hasSingleObservationThat().hasLowCardinalityKeyValue("pilot.capability", "test.fail")
                .hasLowCardinalityKeyValue("pilot.outcome", "INTERNAL").hasBeenStopped()
                .assertThatError().isInstanceOf(IllegalStateException.class).hasMessage("broken x");
    }

    @Test
    void anAsynchronousPilotFailureKeepsItsCode() throws Exception {
        assertThatThrownBy(() -> dispatcher(observations, false).handle(request("test.busy", "\"x\"")).toCompletableFuture().join())
                .hasRootCauseInstanceOf(PilotException.class);

        assertThat(observations).hasSingleObservationThat().hasLowCardinalityKeyValue("pilot.outcome", "OVERLOADED")
                .hasBeenStopped().assertThatError().isInstanceOf(PilotException.class);
    }

    @Test
    void anUnknownCapabilityDoesNotBecomeATagValue() throws Exception {
        assertThatThrownBy(() -> dispatcher(observations, false).handle(request("made.up.by.the.caller", "1"))
                .toCompletableFuture().join()).hasRootCauseInstanceOf(PilotException.class);

        assertThat(observations).hasSingleObservationThat().hasContextualNameEqualTo("serve UNKNOWN")
                .hasLowCardinalityKeyValue("pilot.capability", "UNKNOWN")
                .hasLowCardinalityKeyValue("pilot.outcome", "NO_LISTENER").hasError();
    }

    @Test
    void anArgumentThatIsNotJsonForTheParameterIsAnInvalidArgument() throws Exception {
        assertThatThrownBy(() -> dispatcher(observations, false).handle(request("test.echo", "not json"))
                .toCompletableFuture().join()).hasRootCauseInstanceOf(PilotException.class)
                .hasMessageContaining("the argument of 'test.echo' is not valid JSON (line 1, column");

        assertThat(observations).hasSingleObservationThat().hasLowCardinalityKeyValue("pilot.outcome", "INVALID_ARGUMENT").hasError();
    }

    @Test
    void aCustomConventionIsUsed() throws Exception {
        PilotServerObservationConvention custom = new PilotServerObservationConvention() {
            @Override
            public String getName() {
                return "custom.server";
            }

            @Override
            public KeyValues getLowCardinalityKeyValues(PilotServerRequestContext context) {
                return KeyValues.of("team", "papers");
            }
        };
        CapabilityRegistry capabilities = new CapabilityRegistry();
        capabilities.register(new CapabilityMethod("test.echo", "", "service", service,
                Service.class.getDeclaredMethod("echo", String.class), mapper));
        new CapabilityDispatcher(capabilities, mapper, observations, custom, a -> Optional.empty())
                .handle(request("test.echo", "\"x\"")).toCompletableFuture().join();

        assertThat(observations).hasSingleObservationThat().hasNameEqualTo("custom.server")
                .hasLowCardinalityKeyValue("team", "papers");
    }

    @Test
    void withoutObservationsTheRequestIsServedAndNothingIsRecorded() throws Exception {
        assertThat(dispatcher(ObservationRegistry.NOOP, false).handle(request("test.echo", "\"x\"")).toCompletableFuture()
                .join().bodyAsString()).isEqualTo("\"x\"");
        assertThat(service.current.get()).isNull();

        observations.observationConfig().observationPredicate((name, context) -> false);
        assertThat(dispatcher(observations, false).handle(request("test.echo", "\"y\"")).toCompletableFuture()
                .join().bodyAsString()).isEqualTo("\"y\"");
        assertThat(observations).doesNotHaveAnyObservation();
        assertThatThrownBy(() -> dispatcher(ObservationRegistry.NOOP, false).handle(request("test.fail", "\"x\""))
                .toCompletableFuture().join()).hasRootCauseInstanceOf(PilotException.class)
                .satisfies(e -> assertThat(((PilotException) e.getCause()).code()).isEqualTo(ErrorCode.INTERNAL));
    }
}
