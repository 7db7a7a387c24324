//! Placeholder for Codex's `call_tool` (start an MCP server over stdio, call one tool,
//! print the result). The guardrail test kit never builds this file: its hermetic cargo
//! shim (harness/transports/cargo-shim.ts) checks that the workspace declares this
//! binary, then runs the TypeScript call_tool (harness/mcp/call-tool.ts) in its place.

fn main() {
    eprintln!("Error: this call_tool is the guardrail test kit's placeholder; run the guardrails through the kit's cargo shim");
    std::process::exit(1);
}
