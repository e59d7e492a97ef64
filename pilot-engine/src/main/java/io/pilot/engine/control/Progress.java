package io.pilot.engine.control;

import tools.jackson.databind.node.ObjectNode;

/** Where a streaming command (ping, listen) reports each step as it happens, before its final answer. */
interface Progress {

    /** Sends one {@code {"status":"progress","data":...}} line to the client now. */
    void report(ObjectNode data);

    /**
     * True once the client has hung up or the server is closing: a command that streams until it is
     * stopped ({@code listen}) ends then, so it neither outlives its client nor holds up the node's stop.
     */
    boolean cancelled();
}
