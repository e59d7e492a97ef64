/**
 * The mesh's capabilities as tools for language models: {@link io.pilot.spring.tools.MeshToolCatalog} (which ones,
 * named how, described and typed by the directory, called by anycast), free of any AI library so that every bridge
 * (Spring AI, MCP) uses the same.
 */
package io.pilot.spring.tools;
