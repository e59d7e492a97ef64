package io.pilot.spring.autoconfigure.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilot.engine.identity.IdentityException;
import io.pilot.spring.autoconfigure.PilotConfigurationException;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ApplicationContextException;

/** Each analyzer alone: what it recognizes inside the context's start failure, and what it leaves alone. */
class AnalyzerTests {

    private static Throwable startFailure(Throwable cause) {
        return new ApplicationContextException("Failed to start bean 'pilotRuntime'", cause);
    }

    @Test
    void aConfigurationFailureIsDescribedByItsPropertyAndProblemWithItsAction() {
        FailureAnalysis analysis = new PilotConfigurationFailureAnalyzer().analyze(startFailure(
                new PilotConfigurationException("pilot.bind.port", "70000 is not 0-65535", "Set pilot.bind.port to a UDP port")));
        assertThat(analysis.getDescription()).isEqualTo("The Pilot agent cannot start: pilot.bind.port: 70000 is not 0-65535");
        assertThat(analysis.getAction()).isEqualTo("Set pilot.bind.port to a UDP port");
    }

    @Test
    void aRefusedIdentityFileIsRepairedBeforeItIsReplaced() {
        Path file = Path.of("/srv/agent/.pilot/papers.key");
        FailureAnalysis analysis = new IdentityFailureAnalyzer().analyze(startFailure(
                new IdentityException(file, "is accessible to other users (rw-r--r--)")));
        assertThat(analysis.getDescription())
                .isEqualTo("The Pilot node cannot use its identity file " + file + ": is accessible to other users (rw-r--r--)");
        assertThat(analysis.getAction()).contains("chmod 600 " + file, "restore it from a backup",
                "move " + file + " away", "NEW address");
    }

    @Test
    void anIdentityFileThatCannotBeWrittenPointsAtPermissionsAndTheProperty() {
        Path file = Path.of("/readonly/papers.key");
        FailureAnalysis analysis = new IdentityFailureAnalyzer().analyze(startFailure(
                new IdentityException(file, "cannot be created: /readonly", new IOException("/readonly"))));
        assertThat(analysis.getAction()).contains("Make " + file + " and its directory readable and writable",
                "pilot.identity.path").doesNotContain("chmod 600", "NEW address");
    }

    @Test
    void aPortInUseIsRecognizedByTheNodesMessageAndTheSocketError() {
        FailureAnalysis analysis = new UdpBindFailureAnalyzer().analyze(startFailure(new IllegalStateException(
                "cannot bind UDP /127.0.0.1:7400: Address already in use", new BindException("Address already in use"))));
        assertThat(analysis.getDescription()).isEqualTo("The Pilot node cannot bind UDP /127.0.0.1:7400: Address already in use");
        assertThat(analysis.getAction()).contains("Another process", "pilot.bind.port", "pilot.backbone.address");
    }

    @Test
    void anAddressOfAnotherHostIsToldApartFromABusyPort() {
        FailureAnalysis analysis = new UdpBindFailureAnalyzer().analyze(startFailure(new IllegalStateException(
                "cannot bind UDP /192.0.2.1:7400: Cannot assign requested address",
                new BindException("Cannot assign requested address"))));
        assertThat(analysis.getAction()).startsWith("Set pilot.bind.address to an address of this host");
    }

    @Test
    void otherIllegalStateExceptionsAreLeftToBootsDefaultReport() {
        UdpBindFailureAnalyzer analyzer = new UdpBindFailureAnalyzer();
        assertThat(analyzer.analyze(startFailure(new IllegalStateException("cannot bind UDP /127.0.0.1:7400: closed",
                new IllegalStateException("event loop shut down"))))).isNull();
        assertThat(analyzer.analyze(startFailure(new IllegalStateException("node already started",
                new BindException("Address already in use"))))).isNull();
    }
}
