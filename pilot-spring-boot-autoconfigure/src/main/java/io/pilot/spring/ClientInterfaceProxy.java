package io.pilot.spring;

/**
 * Implemented by every client-interface proxy besides its interface: its {@code @Capability} methods call
 * capabilities, so nothing must take the bean for an agent that serves them.
 */
public interface ClientInterfaceProxy {
}
