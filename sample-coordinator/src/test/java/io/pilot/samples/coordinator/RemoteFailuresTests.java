package io.pilot.samples.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.message.ErrorCode;
import io.pilot.spring.PilotProblem;
import io.pilot.spring.PilotRemoteException;

import java.util.List;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class RemoteFailuresTests {

    @Test
    void eachCodeHasTheStatusOfAGatewayThatGotThatAnswer() {
        assertThat(RemoteFailures.httpStatus(ErrorCode.INVALID_ARGUMENT)).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(RemoteFailures.httpStatus(ErrorCode.NOT_FOUND)).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(RemoteFailures.httpStatus(ErrorCode.DEADLINE_EXCEEDED)).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
        assertThat(RemoteFailures.httpStatus(ErrorCode.TIMEOUT)).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
        assertThat(RemoteFailures.httpStatus(ErrorCode.UNAVAILABLE)).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(RemoteFailures.httpStatus(ErrorCode.OVERLOADED)).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        for (ErrorCode other : List.of(ErrorCode.INTERNAL, ErrorCode.UNREACHABLE, ErrorCode.CANCELLED, ErrorCode.PROTOCOL,
                ErrorCode.CONNECTION_LOST, ErrorCode.NO_LISTENER)) {
            assertThat(RemoteFailures.httpStatus(other)).as(other.name()).isEqualTo(HttpStatus.BAD_GATEWAY);
        }
    }

    @Test
    void aFailureReadsAsItsCodeAndTheSpecialistsWords() {
        PilotProblem problem = PilotProblem.of(ErrorCode.INVALID_ARGUMENT, "'quote': unknown currency XXX", "fx.rate", null, List.of());
        PilotRemoteException refused = new PilotRemoteException(ErrorCode.INVALID_ARGUMENT, "fx.rate: 'quote': unknown currency XXX",
                null, problem);

        assertThat(RemoteFailures.describe(refused)).isEqualTo("INVALID_ARGUMENT: 'quote': unknown currency XXX");
        assertThat(RemoteFailures.describe(new CompletionException(refused))).isEqualTo("INVALID_ARGUMENT: 'quote': unknown currency XXX");
        assertThat(RemoteFailures.describe(new PilotRemoteException(ErrorCode.UNREACHABLE, "news.search: nobody offers it", null)))
                .isEqualTo("UNREACHABLE: news.search: nobody offers it");
        assertThat(RemoteFailures.describe(new IllegalStateException("the agent is stopping"))).isEqualTo("the agent is stopping");
    }
}
