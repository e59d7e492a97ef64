/**
 * The local control socket through which the operator CLI ({@code pilotctl}) talks to a running node.
 *
 * <p>A node, whether a standalone daemon or an application that embeds one, opens a Unix domain socket
 * readable only by its user ({@link io.pilot.engine.control.ControlServer}); each connection carries one
 * request line of JSON and gets back lines of JSON ({@code progress} lines, then one {@code ok} or
 * {@code error}). {@link io.pilot.engine.control.ControlCommands} says what a node answers. The protocol is
 * described, with examples, in {@code docs/CONTROL.md}.
 */
package io.pilot.engine.control;
