package io.pilot.spring.autoconfigure;

import io.pilot.spring.runtime.PilotRuntime;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * The provider {@link SlowCapabilitiesTests} starts as a child process on a JDK 21+ (the starter and its tests are
 * built for Java 17, where virtual threads do not exist): a Boot application serving {@link SlowAgent} with an
 * embedded backbone, configured by its command line. It tells the test what its agent counted through a line
 * protocol on stdin/stdout ({@link ProviderProcess}); when stdin ends (the test is done, or its JVM died) it exits.
 */
@SpringBootConfiguration
@ImportAutoConfiguration({JacksonAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
        PilotAutoConfiguration.class})
@Import(SlowAgent.class)
public class VirtualThreadProviderApp {

    /** Marks the lines of the protocol among the application's log lines on stdout. */
    static final String REPLY = "provider> ";

    public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(VirtualThreadProviderApp.class)
                .web(WebApplicationType.NONE).run(args);
        try (context) {
            SlowAgent agent = context.getBean(SlowAgent.class);
            String backboneKey = context.getBean(PilotRuntime.class).embeddedBackbone().orElseThrow().node()
                    .publicKey().toString();
            reply("ready " + backboneKey + " java=" + Runtime.version().feature());
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String command; (command = commands.readLine()) != null; ) {
                reply(answer(command.trim(), agent));
            }
            agent.release.countDown(); // a test that failed half-way leaves no handler waiting for the close
        } finally {
            System.exit(0); // the node's threads would keep the JVM alive; stdin ending means the test is done
        }
    }

    private static String answer(String command, SlowAgent agent) throws InterruptedException {
        String[] words = command.split(" ");
        switch (words[0]) {
            case "expect":
                agent.arrived = new CountDownLatch(Integer.parseInt(words[1]));
                return "ok";
            case "await":
                boolean arrived = agent.arrived.await(60, TimeUnit.SECONDS);
                return "arrived=" + arrived + " " + counters(agent);
            case "release":
                agent.release.countDown();
                return "ok";
            case "counters":
                return counters(agent);
            default:
                return "error unknown command '" + command + "'";
        }
    }

    private static String counters(SlowAgent agent) {
        return "inProgress=" + agent.inProgress.get() + " mostAtOnce=" + agent.mostAtOnce.get() + " virtual="
                + agent.virtualThreads.get() + " threads=" + agent.threads.size();
    }

    private static void reply(String line) {
        System.out.println(REPLY + line);
        System.out.flush();
    }
}
