package io.pilot.engine.natlab;

/**
 * How a lab router maps private sockets to its WAN address. Both types filter alike: only packets belonging to
 * a flow that a private host started come in (conntrack {@code established,related}); they differ in mapping.
 */
public enum NatType {

    /**
     * One public port per private socket, whatever the destination: plain {@code masquerade} keeps the source
     * port when it is free, so conntrack gives every destination the same mapping (a "port-restricted cone").
     * Hole punching works through it.
     */
    ENDPOINT_INDEPENDENT("masquerade"),

    /**
     * A fresh random public port for each destination: {@code masquerade random} picks the port per conntrack
     * entry, so the mapping a STUN-like server reports is useless to any other peer. Hole punching fails.
     */
    SYMMETRIC("masquerade random");

    private final String statement;

    NatType(String statement) {
        this.statement = statement;
    }

    /** The nftables statement that rewrites the source of packets leaving through the WAN. */
    String statement() {
        return statement;
    }
}
