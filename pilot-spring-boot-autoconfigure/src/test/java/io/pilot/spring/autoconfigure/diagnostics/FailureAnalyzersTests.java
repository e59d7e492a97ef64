package io.pilot.spring.autoconfigure.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilot.spring.autoconfigure.PilotAutoConfiguration;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/** Applications that cannot start print Boot's failure report with what to change, not a stack trace alone. */
@ExtendWith(OutputCaptureExtension.class)
class FailureAnalyzersTests {

    @TempDir
    Path dir;

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ JacksonAutoConfiguration.class, PilotAutoConfiguration.class })
    static class AgentApplication {
    }

    @Test
    void anInvalidHostnameIsReportedWithTheNameToUse(CapturedOutput output) {
        failToStart("--pilot.hostname=Papers_Agent");
        assertThat(output).contains("APPLICATION FAILED TO START", "The Pilot agent cannot start: pilot.hostname:",
                "invalid hostname 'Papers_Agent'", "Use 1-63 lower-case letters, digits and '-', e.g. papers-agent");
    }

    @Test
    void aMalformedBackboneAddressIsReportedWithTheExpectedForm(CapturedOutput output) {
        failToStart("--pilot.backbone.address=nowhere");
        assertThat(output).contains("pilot.backbone.address: 'nowhere' is not HOST:PORT",
                "Set pilot.backbone.address to the backbone's host and UDP port, e.g. backbone.example.org:7400");
    }

    @Test
    void aCorruptIdentityFileIsReportedWithHowToRepairOrReplaceIt(CapturedOutput output) throws Exception {
        Path identity = Files.createFile(dir.resolve("papers.key"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(identity, "not an identity\n");
        failToStart("--pilot.identity.path=" + identity);
        assertThat(output).contains("The Pilot node cannot use its identity file " + identity,
                "is corrupt: line 'not an identity' is not 'name: value'", "restore it from a backup",
                "move " + identity + " away and start again", "a NEW address");
    }

    @Test
    void aPortInUseIsReportedWithThePropertiesThatChooseAnother(CapturedOutput output) throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            failToStart("--pilot.bind.port=" + taken.getLocalPort());
            assertThat(output).contains("The Pilot node cannot bind UDP /127.0.0.1:" + taken.getLocalPort(),
                    "Address already in use", "Another process, perhaps another instance of this application,",
                    "pilot.bind.port for this agent (0 picks a free one)");
        }
    }

    /** Runs the application with {@code args} over working defaults (default properties rank below arguments). */
    private void failToStart(String... args) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(AgentApplication.class).properties(
                "spring.main.web-application-type=none", "pilot.hostname=papers", "pilot.bind.address=127.0.0.1",
                "pilot.identity.path=" + dir.resolve("agent.key"));
        assertThatThrownBy(() -> application.run(args)).isNotNull();
    }
}
