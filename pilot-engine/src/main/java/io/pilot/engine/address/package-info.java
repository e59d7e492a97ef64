/** Pilot addresses ({@code N:XXXX.XXXX.XXXX}) and the ports that name services on a node. */
package io.pilot.engine.address;
