/** Auto-configuration of the MCP server ({@code pilot.mcp.*}). */
package io.pilot.spring.autoconfigure.mcp;
