package io.pilot.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.message.ErrorCode;
import io.pilot.engine.message.Headers;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.PilotException;

import java.util.List;

import org.junit.jupiter.api.Test;

class PilotProblemTests {

    @Test
    void aProblemTravelsAsAProblemDocumentAndReadsBackWhole() {
        PilotProblem sent = PilotProblem.of(ErrorCode.INVALID_ARGUMENT, "bad amount", "fx.convert",
                "4bf92f3577b34da6a3ce929d0e0e4736", List.of(new PilotProblem.FieldError("amount", "Min", "must be at least 1")));
        Message reply = sent.toMessage();

        assertThat(reply.header(Headers.CONTENT_TYPE)).isEqualTo("application/problem+json");
        assertThat(reply.bodyAsString()).contains("\"type\":\"urn:pilot:error:invalid-argument\"", "\"title\":\"Invalid argument\"");
        assertThat(PilotProblem.read(reply, ErrorCode.INVALID_ARGUMENT)).contains(sent);
    }

    @Test
    void aRemoteExceptionDecodesTheProblemAndKeepsPlainTextErrorsAsTheyAre() {
        PilotProblem problem = PilotProblem.of(ErrorCode.NOT_FOUND, "no rate for XAU", "fx.rate", null, List.of());
        PilotRemoteException typed = PilotRemoteException.from("fx.rate",
                new PilotException(ErrorCode.NOT_FOUND, "N:0000.0000.0001: {...}", problem.toMessage()));
        assertThat(typed.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(typed).hasMessage("fx.rate: no rate for XAU");
        assertThat(typed.detail()).isEqualTo("no rate for XAU");
        assertThat(typed.title()).isEqualTo("Not found");
        assertThat(typed.type()).isEqualTo("urn:pilot:error:not-found");
        assertThat(typed.capability()).isEqualTo("fx.rate");
        assertThat(typed.traceId()).isNull();

        PilotRemoteException plain = PilotRemoteException.from("fx.rate",
                new PilotException(ErrorCode.OVERLOADED, "N:0000.0000.0001: too many requests", Message.of("too many requests")));
        assertThat(plain.code()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(plain).hasMessage("fx.rate: N:0000.0000.0001: too many requests");
        assertThat(plain.problem()).isEmpty();
        assertThat(plain.fieldErrors()).isEmpty();

        Message garbled = Message.of("{not json").with(Headers.CONTENT_TYPE, PilotProblem.MEDIA_TYPE);
        assertThat(PilotProblem.read(garbled, ErrorCode.INTERNAL)).isEmpty();
    }
}
