package io.pilot.engine.natlab;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a {@link NatLab} builds: hosts on the public network and private sites behind NAT routers. Immutable;
 * each call returns a larger topology, so a test class can keep one as a constant. Names are short lowercase
 * words because they become parts of namespace and interface names (interfaces allow 15 characters).
 */
public final class Topology {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,9}");

    /** A private network behind one NAT router; {@code hosts} are the machines on it. */
    record Site(String name, NatType nat, List<String> hosts) {
    }

    private final List<String> publicHosts;
    private final List<Site> sites;

    private Topology(List<String> publicHosts, List<Site> sites) {
        this.publicHosts = publicHosts;
        this.sites = sites;
    }

    /** An empty topology: just the public network. */
    public static Topology create() {
        return new Topology(List.of(), List.of());
    }

    /** Adds a host directly on the public network, reachable by everyone (a server, STUN-like echo, relay). */
    public Topology publicHost(String name) {
        requireNewHost(name);
        if (publicHosts.size() == AddressPlan.MAX_PUBLIC_HOSTS) {
            throw new IllegalArgumentException("at most " + AddressPlan.MAX_PUBLIC_HOSTS + " public hosts");
        }
        return new Topology(append(publicHosts, name), sites);
    }

    /** Adds a private site {@code name} whose router applies {@code nat}, with the given hosts behind it. */
    public Topology site(String name, NatType nat, String... hosts) {
        requireName(name);
        if (sites.stream().anyMatch(site -> site.name().equals(name))) {
            throw new IllegalArgumentException("duplicate site " + name);
        }
        if (sites.size() == AddressPlan.MAX_SITES || hosts.length > AddressPlan.MAX_HOSTS_PER_SITE) {
            throw new IllegalArgumentException("at most " + AddressPlan.MAX_SITES + " sites of "
                    + AddressPlan.MAX_HOSTS_PER_SITE + " hosts");
        }
        Set<String> distinct = new HashSet<>();
        for (String host : hosts) {
            requireNewHost(host);
            if (!distinct.add(host)) {
                throw new IllegalArgumentException("duplicate host " + host);
            }
        }
        return new Topology(publicHosts, append(sites, new Site(name, nat, List.of(hosts))));
    }

    List<String> publicHosts() {
        return publicHosts;
    }

    List<Site> sites() {
        return sites;
    }

    private void requireNewHost(String name) {
        requireName(name);
        if (Stream.concat(publicHosts.stream(), sites.stream().flatMap(site -> site.hosts().stream()))
                .anyMatch(name::equals)) {
            throw new IllegalArgumentException("duplicate host " + name);
        }
    }

    private static void requireName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must match " + NAME + ": " + name);
        }
    }

    private static <T> List<T> append(List<T> list, T element) {
        List<T> longer = new ArrayList<>(list);
        longer.add(element);
        return List.copyOf(longer);
    }
}
