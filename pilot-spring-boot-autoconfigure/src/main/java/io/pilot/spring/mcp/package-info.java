/**
 * The MCP server: capabilities served as MCP tools over MCP's streamable HTTP transport (the MCP Java SDK), the
 * mesh's through the {@code MeshToolCatalog}, the application's own through its capability dispatcher, the tool list
 * following the directory ({@code notifications/tools/list_changed}).
 */
package io.pilot.spring.mcp;
