// Parses the Mermaid diagrams in the Markdown files named on the command
// line with Mermaid's own parser (the npm package `mermaid`, the version
// scripts/install-tools pins), under a jsdom window since Mermaid expects a
// browser. Prints one line per diagram that does not parse and exits 1 if
// any does not. Run by tests/integration/docs.rs.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";

const modules = process.env.ARCHGEN_MERMAID_MODULES;
if (!modules) {
  console.error("set ARCHGEN_MERMAID_MODULES to the node_modules holding mermaid and jsdom");
  process.exit(2);
}
const require = createRequire(path.join(modules, "noop.js"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!DOCTYPE html><html><body></body></html>", { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
globalThis.Element = dom.window.Element;
globalThis.HTMLElement = dom.window.HTMLElement;
const entry = require.resolve("mermaid");
const mermaid = (await import(pathToFileURL(entry.replace(/mermaid\.js$/, "mermaid.core.mjs")).href)).default;
mermaid.initialize({ startOnLoad: false });

let failed = 0;
let parsed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
  if (blocks.length === 0) {
    console.log(`${file}: no mermaid block`);
    failed++;
  }
  for (const [index, block] of blocks.entries()) {
    try {
      const result = await mermaid.parse(block);
      if (result.diagramType !== "flowchart-v2" && result.diagramType !== "flowchart") {
        throw new Error(`parsed as ${result.diagramType}, not a flowchart`);
      }
      parsed++;
    } catch (error) {
      failed++;
      console.log(`${file}: diagram ${index + 1}: ${String(error.message ?? error).split("\n").join(" ")}`);
    }
  }
}
console.log(`${parsed} diagram(s) parsed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
