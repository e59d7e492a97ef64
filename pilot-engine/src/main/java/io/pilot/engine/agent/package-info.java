/**
 * The composition root: {@link io.pilot.engine.agent.Agent} assembles a node with its handlers, its
 * registration (directory client, group messaging), the backbone it runs and its control socket, starts
 * them in one order and stops them in one order. Every program that runs a node (the Spring runtime,
 * {@code pilotctl}'s daemon and backbone) builds an {@code Agent}; the top of the engine's layers, it may
 * use every other package, and none uses it.
 */
package io.pilot.engine.agent;
