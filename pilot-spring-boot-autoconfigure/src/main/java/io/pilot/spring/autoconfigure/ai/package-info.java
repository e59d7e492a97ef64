/** Auto-configuration of the mesh's tools for Spring AI, when it is on the class path. */
package io.pilot.spring.autoconfigure.ai;
