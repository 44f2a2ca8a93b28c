// Compiles the MicroMarket contracts with the pinned solc-js and writes, per contract:
//   out/<flavor>/<Name>.json         ABI, creation and runtime bytecode (flavor: src | test)
//   out/csharp/<flavor>/<Name>.gen.cs typed Nethereum messages generated from that ABI
// then touches out/build.stamp, which MSBuild uses to skip this step when nothing changed.
// Warnings in our own sources fail the build, as C# warnings do.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { generateCSharp } from "./codegen.mjs";

const require = createRequire(import.meta.url);
const solc = require("solc");
const here = path.dirname(fileURLToPath(import.meta.url));
const flavors = ["src", "test"];
const settings = JSON.parse(fs.readFileSync(path.join(here, "solc.json"), "utf8"));

function listSol(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listSol(p) : e.name.endsWith(".sol") ? [p] : [];
  });
}

const sources = {};
for (const flavor of flavors) {
  for (const file of listSol(path.join(here, flavor)).sort()) {
    sources[path.relative(here, file).split(path.sep).join("/")] = { content: fs.readFileSync(file, "utf8") };
  }
}

// Imports such as "@openzeppelin/contracts/..." and "solady/..." resolve into node_modules.
function findImports(importPath) {
  for (const base of [here, path.join(here, "node_modules")]) {
    const candidate = path.join(base, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
  }
  return { error: `not found: ${importPath}` };
}

const input = {
  language: "Solidity",
  sources,
  settings: {
    ...settings,
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "evm.methodIdentifiers"] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const ours = (e) => flavors.some((f) => (e.sourceLocation?.file ?? "").startsWith(`${f}/`));
const problems = (output.errors ?? []).filter((e) => e.severity === "error" || ours(e));
for (const p of problems) console.error(p.formattedMessage ?? p.message);
if (problems.length > 0) {
  console.error(`solc ${solc.version()}: ${problems.length} error(s)/warning(s); contracts not built.`);
  process.exit(1);
}

// A contract that runs another's code on its own storage (by delegatecall from its fallback) is
// called for that code's functions at its own address: its ABI, and so its C# bindings, include them.
const delegatesTo = { MicroMarket: "MarketRegistry" };
const compiled = Object.fromEntries(Object.values(output.contracts).flatMap((contracts) => Object.entries(contracts)));
function abiOf(name) {
  const own = compiled[name].abi;
  const extension = delegatesTo[name];
  if (!extension) return own;
  const signature = (e) => `${e.type} ${e.name}(${(e.inputs ?? []).map((i) => i.type).join(",")})`;
  const known = new Set(own.map(signature));
  return [...own, ...compiled[extension].abi.filter((e) => !known.has(signature(e)))];
}

const outDir = path.join(here, "out");
fs.rmSync(outDir, { recursive: true, force: true });
let count = 0;
for (const [file, contracts] of Object.entries(output.contracts)) {
  const flavor = flavors.find((f) => file.startsWith(`${f}/`));
  if (!flavor) continue;
  for (const [name, c] of Object.entries(contracts)) {
    if (c.abi.length === 0) continue; // internal-only libraries are inlined into their users
    if (c.evm.bytecode.object === "") continue; // abstract: its members are in the contracts that inherit it
    const artifact = {
      contractName: name,
      sourceName: file,
      compiler: solc.version(),
      abi: abiOf(name),
      bytecode: "0x" + c.evm.bytecode.object,
      deployedBytecode: "0x" + c.evm.deployedBytecode.object,
    };
    write(path.join(outDir, flavor, `${name}.json`), JSON.stringify(artifact, null, 2) + "\n");
    // Code that only runs as another contract's is called through that contract's bindings.
    if (!Object.values(delegatesTo).includes(name)) {
      write(path.join(outDir, "csharp", flavor, `${name}Definition.gen.cs`), generateCSharp(name, artifact.abi, artifact.bytecode !== "0x"));
    }
    count++;
  }
}
write(path.join(outDir, "build.stamp"), `${solc.version()}\n`);
console.log(`solc ${solc.version()}: ${count} contract artifact(s) in ${path.relative(process.cwd(), outDir) || "."}`);

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
