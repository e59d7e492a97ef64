/** Auto-configuration of the mesh's capabilities as tools for language models. */
package io.pilot.spring.autoconfigure.tools;
