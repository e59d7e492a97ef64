package io.pilot.engine.natlab;

import io.pilot.engine.PeerInfo;
import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.address.PilotAddress;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.net.ProxySettings;
import java.util.concurrent.TimeUnit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * A Pilot agent for the NAT lab: binds 0.0.0.0:7400, registers with the backbone given as
 * {@code <host>:<port> <key> <hostname>} (IPv6 in brackets), prints {@code REGISTERED}, then takes commands on stdin:
 * {@code ping <hostname>} answers {@code PONG <hostname> <direct|relayed> <ms>} or {@code FAILED <hostname> <why>};
 * {@code path <hostname>} answers {@code PATH <hostname> <direct|relayed> <reason>}. Exits when stdin closes. A
 * registration that fails prints {@code NOT_REGISTERED <why>; over WebSocket: <its last failure>} and exits 1. The
 * WebSocket fallback's proxy comes from the environment ({@code HTTPS_PROXY}...), as an Agent's does.
 */
public final class LabAgent {

    private LabAgent() {
    }

    public static void main(String[] args) throws Exception {
        PilotNode node = PilotNode.builder().identity(Identity.generate(new SecureRandom()))
                .bindAddress("0.0.0.0", 7400).build().start();
        InetSocketAddress backboneEndpoint = HostPort.parse(args[0]);
        node.reachBackbone(backboneEndpoint, ProxySettings.fromEnvironment()); // as an Agent does
        DirectoryClient directory = DirectoryClient.builder(node).hostname(args[2])
                .backbone(backboneEndpoint, NodeKey.parse(args[1]))
                .build();
        try {
            directory.start().join();
        } catch (RuntimeException e) {
            // One line saying why, the WebSocket's own failure included (a proxy's refusal), then out: nothing half-started.
            System.out.println("NOT_REGISTERED " + e.getMessage() + "; over WebSocket: " + node.bearers().lastError());
            System.out.flush();
            System.exit(1);
        }
        System.out.println("REGISTERED " + node.address() + " reflexive " + HostPort.format(directory.reflexiveEndpoint().orElse(null)));
        System.out.flush();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = stdin.readLine()) != null) {
            String[] command = line.trim().split("\\s+");
            try {
                PilotAddress target = directory.resolve(command[1]).get(40, TimeUnit.SECONDS);
                if (command[0].equals("ping")) {
                    Duration rtt = node.ping(target).get(60, TimeUnit.SECONDS);
                    PeerInfo peer = node.peer(target).orElseThrow();
                    System.out.println("PONG " + command[1] + " " + (peer.relayed() ? "relayed" : "direct")
                            + (peer.overTcp() ? "/tcp" : "") + " " + rtt.toMillis());
                } else {
                    PeerInfo peer = node.peer(target).orElseThrow();
                    System.out.println("PATH " + command[1] + " " + (peer.relayed() ? "relayed" : "direct")
                            + (peer.overTcp() ? "/tcp" : "") + " " + peer.pathReason());
                }
            } catch (Exception e) {
                System.out.println("FAILED " + (command.length > 1 ? command[1] : "?") + " " + e);
            }
            System.out.flush();
        }
        directory.close();
        node.close();
        System.exit(0);
    }
}
