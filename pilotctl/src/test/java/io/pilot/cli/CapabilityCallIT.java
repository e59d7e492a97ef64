package io.pilot.cli;

import io.pilot.cli.library.LibraryAgentApp;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pilotctl describe} and {@code pilotctl call} as an operator runs them: the real bin/pilotctl against a
 * backbone and a daemon it started, calling a Spring Boot agent running as a process of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapabilityCallIT {

    private static final String VALID = "{\"doi\":\"10.1/x\",\"kind\":\"BOOK\",\"published\":\"1999-03-15\","
            + "\"authors\":[{\"name\":\"Ada\"},{\"name\":\"Grace\"}]}";

    private Cli cli;
    private Cli.Background library;

    @BeforeAll
    void start() throws Exception {
        cli = new Cli(Cli.newHome());
        Cli.Result backbone = cli.run("--json", "backbone", "start", "--bind", "127.0.0.1:0");
        assertThat(backbone.status()).as(backbone.toString()).isZero();
        String endpoint = backbone.json().path("data").path("endpoint").asString();
        String key = backbone.json().path("data").path("key").asString();
        Cli.Result caller = cli.run("daemon", "start", "--hostname", "caller");
        assertThat(caller.status()).as(caller.toString()).isZero();
        library = cli.spawnCommand(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.io.pilot.spring=info", LibraryAgentApp.class.getName(),
                "--spring.main.banner-mode=off", "--pilot.hostname=library", "--pilot.bind.address=127.0.0.1",
                "--pilot.backbone.address=" + endpoint, "--pilot.backbone.key=" + key, "--pilot.control.enabled=false",
                "--pilot.identity.path=" + cli.home().resolve("library.key")));
        library.awaitLine(line -> line.contains("Pilot agent 'library' is"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            library.close();
            cli.run("--node", "caller", "daemon", "stop");
            cli.run("backbone", "stop");
        } finally {
            cli.deleteHome();
        }
    }

    @Test
    void describeShowsTheProviderTheDescriptionAndTheSchemas() {
        Cli.Result human = cli.run("--node", "caller", "describe", "library.add");
        assertThat(human.status()).as(human.toString()).isZero();
        assertThat(human.out()).startsWith("library.add  Adds a citation to the library\nproviders:\n  library ")
                .contains("schema published").contains("input:\n{").contains("\"enum\" : [ \"ARTICLE\", \"BOOK\" ]")
                .contains("output:\n{");

        Cli.Result json = cli.run("--json", "--node", "caller", "describe", "library.add");
        assertThat(json.status()).as(json.toString()).isZero();
        JsonNode data = json.json().path("data");
        assertThat(json.json().path("status").asString()).isEqualTo("ok");
        assertThat(data.path("description").asString()).isEqualTo("Adds a citation to the library");
        assertThat(data.path("providers").get(0).path("hostname").asString()).isEqualTo("library");
        assertThat(data.path("input").path("properties").path("published").path("format").asString()).isEqualTo("date");
        assertThat(data.path("output").path("properties").path("authors").path("type").asString()).isEqualTo("integer");

        Cli.Result unknown = cli.run("--node", "caller", "describe", "library.nothing");
        assertThat(unknown.status()).isEqualTo(PilotCtl.NODE_ERROR);
        assertThat(unknown.err()).contains("no node provides 'library.nothing'");
    }

    @Test
    void callPrintsTheReplyByAnycastOrFromOneHost() {
        Cli.Result anycast = cli.run("--node", "caller", "call", "library.add", VALID);
        assertThat(anycast.status()).as(anycast.toString()).isZero();
        assertThat(anycast.out()).isEqualTo("{\n  \"doi\" : \"10.1/x\",\n  \"authors\" : 2\n}\n");

        Cli.Result addressed = cli.run("--json", "--node", "caller", "call", "--to", "library", "library.add", VALID);
        assertThat(addressed.status()).as(addressed.toString()).isZero();
        JsonNode data = addressed.json().path("data");
        assertThat(data.path("hostname").asString()).isEqualTo("library");
        assertThat(data.path("checkedAgainstSchema").asBoolean()).isTrue();
        assertThat(data.path("reply").toString()).isEqualTo("{\"doi\":\"10.1/x\",\"authors\":2}");
    }

    @Test
    void invalidJsonOrASchemaViolationIsBadUsageAndNothingIsSent() {
        Cli.Result notJson = cli.run("--node", "caller", "call", "library.add", "{\"doi\":");
        assertThat(notJson.status()).isEqualTo(PilotCtl.USAGE);
        assertThat(notJson.err()).startsWith("✗ the argument is not valid JSON");

        Cli.Result violation = cli.run("--node", "caller", "call", "library.add", VALID.replace("BOOK", "POEM"));
        assertThat(violation.status()).as(violation.toString()).isEqualTo(PilotCtl.USAGE);
        assertThat(violation.err()).startsWith("✗ the argument does not match the input schema of 'library.add': "
                + "'kind' must be one of [ARTICLE, BOOK] (enum)");

        Cli.Result missing = cli.run("--json", "--node", "caller", "call", "library.add",
                VALID.replace("{\"name\":\"Grace\"}", "{}"));
        assertThat(missing.status()).isEqualTo(PilotCtl.USAGE);
        assertThat(missing.json().path("status").asString()).isEqualTo("error");
        assertThat(missing.json().path("code").asString()).isEqualTo("BAD_REQUEST");
        assertThat(missing.json().path("message").asString()).contains("'authors[1].name' is required (required)");
    }

    @Test
    void aTypedErrorFromTheCapabilityIsPrintedWithItsCodeAndDetail() {
        Cli.Result refused = cli.run("--node", "caller", "call", "library.find", "\"10.1/none\"");
        assertThat(refused.status()).isEqualTo(PilotCtl.NODE_ERROR);
        assertThat(refused.err()).startsWith("✗ NOT_FOUND from 'library.find': no citation 10.1/none");

        Cli.Result json = cli.run("--json", "--node", "caller", "call", "library.find", "\"10.1/none\"");
        assertThat(json.json().path("code").asString()).isEqualTo("CAPABILITY_ERROR");
    }
}
