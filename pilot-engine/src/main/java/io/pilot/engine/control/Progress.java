package io.pilot.engine.control;

import tools.jackson.databind.node.ObjectNode;

/** Where a streaming command (ping) reports each step as it happens, before its final answer. */
@FunctionalInterface
interface Progress {

    /** Sends one {@code {"status":"progress","data":...}} line to the client now. */
    void report(ObjectNode data);
}
