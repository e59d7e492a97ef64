package io.pilot.engine.natlab;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.PilotSocketAddress;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.Message;
import io.pilot.engine.transport.CongestionControl;
import io.pilot.engine.transport.ConnectionStats;
import io.pilot.engine.transport.TransportConfig;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The sending end of {@link BottleneckFairnessTest}: {@code <sink ip> <sink key> <controller> <pilot flows>
 * <tcp flows>}. Each Pilot flow is a node of its own (its own session, the controller given) sending 256 KiB
 * requests back to back to the sink; each TCP flow a socket writing as fast as the kernel's congestion control lets
 * it. Prints {@code SENDING} once every flow has started; runs until killed.
 */
public final class BottleneckSource {

    private static final int MESSAGE_BYTES = 256 << 10;

    private BottleneckSource() {
    }

    public static void main(String[] args) throws Exception {
        String sinkIp = args[0];
        NodeKey sinkKey = NodeKey.parse(args[1]);
        CongestionControl controller = CongestionControl.parse(args[2]);
        int pilotFlows = Integer.parseInt(args[3]);
        int tcpFlows = Integer.parseInt(args[4]);
        for (int i = 0; i < pilotFlows; i++) {
            PilotNode node = PilotNode.builder().identity(Identity.generate(new SecureRandom()))
                    .bindAddress("0.0.0.0", 0).requestTimeout(Duration.ofSeconds(120))
                    .transportConfig(TransportConfig.builder().congestionControl(controller).build()).build().start();
            node.connect(sinkKey, new InetSocketAddress(sinkIp, 7400)).join();
            PilotSocketAddress target = new PilotSocketAddress(sinkKey.address(0), BottleneckSink.PORT);
            start("pilot-" + i, () -> {
                Message message = Message.of(new byte[MESSAGE_BYTES]);
                while (true) {
                    node.request(target, message).join();
                }
            });
            String name = "pilot-" + i;
            Thread stats = new Thread(() -> printStats(name, node), "stats-" + i);
            stats.setDaemon(true);
            stats.start();
        }
        for (int i = 0; i < tcpFlows; i++) {
            Socket socket = new Socket(sinkIp, BottleneckSink.TCP_PORT);
            start("tcp-" + i, () -> {
                byte[] chunk = new byte[65_536];
                try (OutputStream out = socket.getOutputStream()) {
                    while (true) {
                        out.write(chunk);
                    }
                }
            });
        }
        System.out.println("SENDING");
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Every 5 s, the flow's transport counters since it started; a diagnostic, so it never fails the flow. */
    private static void printStats(String name, PilotNode node) {
        while (true) {
            try {
                Thread.sleep(5_000);
                node.peers().stream().filter(p -> p.transport() != null).forEach(p -> {
                    ConnectionStats t = p.transport();
                    System.out.printf("STATS %s sent %d lost %d probeTimeouts %d cwnd %d srtt %d us pacing %d B/s"
                            + " belowFloor trials %d caps %d%n", name, t.packetsSent(), t.lostPackets(), t.probeTimeouts(),
                            t.congestionWindow(), t.smoothedRttNanos() / 1_000, t.pacingRate(), t.belowFloorTrials(),
                            t.belowFloorCaps());
                });
                System.out.flush();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                System.out.println("STATS " + name + " unavailable: " + e);
            }
        }
    }

    private interface Sender {
        void run() throws Exception;
    }

    private static void start(String name, Sender sender) {
        Thread thread = new Thread(() -> {
            try {
                sender.run();
            } catch (Exception e) {
                System.out.println("FAILED " + name + " " + e);
                System.out.flush();
            }
        }, name);
        thread.start();
    }
}
