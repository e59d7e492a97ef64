package io.pilot.engine.natlab;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The named network namespaces of {@code ip netns}: listing, creating and removing them. Removal first kills
 * whatever still runs inside, because a namespace whose name is deleted lives on (and keeps its veths and
 * nftables tables) for as long as a process holds it.
 */
final class Namespaces {

    private Namespaces() {
    }

    /** The names of all named namespaces on this machine. */
    static List<String> list() {
        return Shell.run("ip", "netns", "list").lines()
                .map(line -> line.split(" ", 2)[0])
                .filter(name -> !name.isEmpty())
                .toList();
    }

    /** Creates {@code name} with its loopback up. */
    static void add(String name) {
        Shell.run("ip", "netns", "add", name);
        Shell.run("ip", "-n", name, "link", "set", "lo", "up");
    }

    /** Kills every process inside {@code name}, then deletes it; its veths and nftables tables go with it. */
    static void delete(String name) {
        Arrays.stream(Shell.run("ip", "netns", "pids", name).split("\\s+"))
                .filter(pid -> !pid.isEmpty())
                .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)).stream())
                .forEach(Namespaces::kill);
        Shell.run("ip", "netns", "delete", name);
    }

    private static void kill(ProcessHandle process) {
        process.destroyForcibly();
        process.onExit().completeOnTimeout(process, 5, TimeUnit.SECONDS).join();
    }

    /**
     * Deletes the namespaces of labs whose JVM died before it could tear them down. Another JVM may be doing the
     * same at the same time, so a namespace that vanished while being deleted is not an error.
     */
    static void deleteStale() {
        for (String name : list()) {
            if (RunPrefix.isStale(name)) {
                try {
                    delete(name);
                } catch (RuntimeException e) {
                    if (list().contains(name)) {
                        throw e;
                    }
                }
            }
        }
    }

    /** {@code command} prefixed to run inside namespace {@code name}. */
    static List<String> exec(String name, List<String> command) {
        return Stream.concat(Stream.of("ip", "netns", "exec", name), command.stream()).toList();
    }
}
