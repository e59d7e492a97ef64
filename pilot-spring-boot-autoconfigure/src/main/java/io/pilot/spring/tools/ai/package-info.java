/** The mesh's tools for Spring AI: a {@code ToolCallbackProvider} over the {@link io.pilot.spring.tools.MeshToolCatalog}. */
package io.pilot.spring.tools.ai;
