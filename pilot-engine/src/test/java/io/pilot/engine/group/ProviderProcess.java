package io.pilot.engine.group;

import io.pilot.engine.PilotNode;
import io.pilot.engine.address.HostPort;
import io.pilot.engine.directory.DirectoryClient;
import io.pilot.engine.identity.Identity;
import io.pilot.engine.identity.NodeKey;
import io.pilot.engine.message.Message;
import io.pilot.engine.message.MessageHandler;

import java.security.SecureRandom;

/**
 * A capability provider in a process of its own, so that a test can SIGKILL it: no word to its peers, its record left
 * in the directory until its lease lapses. {@code ProviderProcess BACKBONE_HOST:PORT BACKBONE_KEY HOSTNAME CAPABILITY
 * PORT}: registers, answers requests on PORT with its hostname, prints {@code PROVIDER <address>} once it serves, and
 * runs until killed.
 */
public final class ProviderProcess {

    private ProviderProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        PilotNode node = PilotNode.builder().identity(Identity.generate(new SecureRandom())).bindAddress("127.0.0.1", 0)
                .build().start();
        String hostname = args[2];
        node.listen(Integer.parseInt(args[4]), MessageHandler.of(in -> Message.of(hostname)));
        DirectoryClient client = DirectoryClient.builder(node).hostname(hostname).capability(args[3])
                .backbone(HostPort.parse(args[0]), NodeKey.parse(args[1])).build();
        client.start().join();
        System.out.println("PROVIDER " + node.address());
        System.out.flush();
        Thread.currentThread().join();
    }
}
