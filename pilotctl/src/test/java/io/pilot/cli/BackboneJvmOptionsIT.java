package io.pilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pilotctl backbone start --jvm-option}, with real processes: the backbone's JVM runs on the options given
 * (a backbone holding tens of thousands of sessions wants ZGC and room, docs/benchmarks.md 5b); options that are not
 * JVM options, or that would change what runs, are refused before anything starts; an option the JVM itself
 * refuses is a clear start failure that leaves nothing running.
 */
class BackboneJvmOptionsIT {

    private Cli cli;

    @BeforeEach
    void newHome() throws IOException {
        cli = new Cli(Cli.newHome());
    }

    @AfterEach
    void stopEverything() throws IOException {
        cli.run("backbone", "stop");
        cli.deleteHome();
    }

    @Test
    void theBackboneRunsOnTheJvmOptionsGiven() throws IOException {
        Cli.Result started = cli.run("--json", "backbone", "start", "--bind", "127.0.0.1:0",
                "--jvm-option=-XX:+UseZGC", "--jvm-option", "-Xmx256m");

        assertThat(started.status()).as(started.toString()).isZero();
        long pid = started.json().path("data").path("pid").asLong();
        List<String> command = List.of(Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline")).split("\0"));
        assertThat(command).contains("-XX:+UseZGC", "-Xmx256m");
        assertThat(command.indexOf("-Xmx256m")).as("before the class path: %s", command).isLessThan(command.indexOf("-cp"));
        assertThat(cli.run("backbone", "status").status()).isZero();
    }

    @Test
    void anOptionThatWouldChangeWhatRunsIsRefusedAndNothingStarts() {
        // The rules themselves: OperatorInputTests.jvmOptionsForTheBackboneMustBeJvmOptionsThatLeaveWhatRunsAlone.
        Cli.Result start = cli.run("backbone", "start", "--bind", "127.0.0.1:0", "--jvm-option=-jar");

        assertThat(start.status()).as(start.toString()).isEqualTo(PilotCtl.USAGE);
        assertThat(start.err()).as(start.toString()).contains("--jvm-option -jar: ").contains("-jar would change what runs");
        assertThat(cli.run("backbone", "status").status()).as("nothing started").isEqualTo(PilotCtl.NO_NODE);
    }

    @Test
    void anOptionTheJvmRefusesIsAStartFailureThatLeavesNothingRunning() {
        List<String> args = new ArrayList<>(List.of("backbone", "start", "--bind", "127.0.0.1:0",
                "--jvm-option=-XX:+NoSuchPilotFlag"));

        Cli.Result start = cli.run(args.toArray(String[]::new));

        assertThat(start.status()).as(start.toString()).isEqualTo(PilotCtl.NODE_ERROR);
        assertThat(start.err()).as(start.toString()).contains("BackboneMain exited with status 1")
                .contains("Unrecognized VM option 'NoSuchPilotFlag'");
        assertThat(cli.run("backbone", "status").status()).isEqualTo(PilotCtl.NO_NODE);
    }
}
