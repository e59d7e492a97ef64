// The official MCP TypeScript SDK's client against a Pilot MCP server, over streamable HTTP.
// Usage: node client.mjs http://127.0.0.1:PORT/mcp
// Prints one JSON object per line on stdout: {"step": ..., ...}. After the step "ready" it waits for a
// notifications/tools/list_changed (the test starts an agent then), lists the tools again and prints "changed".
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";

const url = process.argv[2];
const print = (step, fields) => console.log(JSON.stringify({ step, ...fields }));

const client = new Client({ name: "pilot-ts-harness", version: "1.0.0" });
let changed;
const listChanged = new Promise((resolve) => { changed = resolve; });
client.setNotificationHandler(ToolListChangedNotificationSchema, () => changed());
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
print("connected", { server: client.getServerVersion()?.name });

// The mesh's tools arrive as the directory is read: wait until the agent's are listed.
let tools = [];
for (let i = 0; i < 100 && !tools.some((t) => t.name === "papers_resolve-citation"); i++) {
  tools = (await client.listTools()).tools;
  if (!tools.some((t) => t.name === "papers_resolve-citation")) {
    await new Promise((r) => setTimeout(r, 200));
  }
}
print("tools", { tools: tools.map((t) => ({ name: t.name, description: t.description, input: t.inputSchema })) });

const call = async (step, name, args) => {
  try {
    const result = await client.callTool({ name, arguments: args });
    print(step, { isError: result.isError === true, text: result.content[0]?.text, structured: result.structuredContent ?? null });
  } catch (error) {
    print(step, { rpcError: error.code ?? null, message: error.message });
  }
};
await call("resolve", "papers_resolve-citation", { doi: "10.1/ts" });
await call("search", "papers_search", { input: "typescript" });
await call("greet", "gateway_greet", { name: "node", times: 1 });
await call("missing", "papers_resolve-citation", {});
await call("unknown", "papers_nothing", {});

print("ready", {});
let timer;
const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("no tools/list_changed within 60 s")), 60000); });
await Promise.race([listChanged, timeout]);
clearTimeout(timer); // a pending timer would keep node running until it fired
// The notification may come before the new tool's schema is in; list until it is.
for (let i = 0; i < 100; i++) {
  tools = (await client.listTools()).tools;
  if (tools.some((t) => t.name === "fx_rate")) break;
  await new Promise((r) => setTimeout(r, 200));
}
print("changed", { tools: tools.map((t) => t.name) });
await call("rate", "fx_rate", { base: "EUR", quote: "USD" });
await client.close();
print("done", {});
