package io.pilot.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backbone start|stop|status}: a standalone backbone on this machine ({@link BackboneLauncher}). */
@Command(name = "backbone", description = "Start, stop and check a standalone backbone on this machine.",
        subcommands = {BackboneCommand.Start.class, BackboneCommand.Stop.class, BackboneCommand.Status.class})
final class BackboneCommand {

    @Command(name = "start", description = "Start a backbone in the background; prints its address, endpoint and key.")
    static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--bind", defaultValue = "0.0.0.0:7400", paramLabel = "HOST:PORT",
                description = "Where it listens (default 0.0.0.0:7400; port 0 picks a free one).")
        String bind;

        @Option(names = "--identity", paramLabel = "FILE", description = "Its identity file (default: backbone.key "
                + "beside the run directory).")
        Path identity;

        @Option(names = "--store", paramLabel = "DIR|etcd://HOST:PORT[,HOST:PORT...]",
                description = "Keep the directory in this folder (survives restarts), or in etcd, shared by every"
                        + " backbone of the realm started with the same URL (options: ?ca=&cert=&key=&user=&password-file=).")
        String store;

        @Option(names = "--tcp-bind", split = ",", paramLabel = "HOST:PORT",
                description = "Serve WebSocket on this TCP address too, e.g. 0.0.0.0:443 (repeatable, or a comma list);"
                        + " it always does on its UDP port number unless --no-tcp.")
        List<String> tcpBinds = new ArrayList<>();

        @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain (PEM) for wss:// on every TCP"
                + " listener; with --tls-key.")
        Path tlsCert;

        @Option(names = "--tls-key", paramLabel = "PEM", description = "Its private key (PEM, PKCS#8).")
        Path tlsKey;

        @Option(names = "--no-tcp", description = "No WebSocket listener on the UDP port number (--tcp-bind ones still).")
        boolean noTcp;

        @Option(names = "--http-bind", paramLabel = "HOST:PORT|PORT",
                description = "Serve the status page (/) and its JSON (/status.json) over HTTP here; a port alone"
                        + " binds loopback only (default: no HTTP).")
        String httpBind;

        @Option(names = "--jvm-option", paramLabel = "OPTION",
                description = "An option for the backbone's JVM (repeatable), e.g. --jvm-option=-XX:+UseZGC"
                        + " --jvm-option=-Xmx4g: a backbone holding tens of thousands of sessions wants a concurrent"
                        + " collector and room for about four times its state, some 10 kB a session"
                        + " (docs/benchmarks.md 5b).")
        List<String> jvmOptions = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            return BackboneLauncher.start(PilotCtl.of(spec), bind, identity, store, tcpBinds, tlsCert, tlsKey, noTcp,
                    httpBind, jvmOptions);
        }
    }

    @Command(name = "stop", description = "Stop the backbone started here.")
    static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return BackboneLauncher.stop(PilotCtl.of(spec));
        }
    }

    @Command(name = "status", description = "Is a backbone running here? Its address, endpoint and key, and its status"
            + " page with the key figures when it serves HTTP.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return BackboneLauncher.status(PilotCtl.of(spec));
        }
    }
}
