// Render TeX to HTML + MathML with KaTeX at build time, so pages need no JavaScript for maths.
// One request per line of stdin, JSON [{"tex": "...", "display": true|false}, ...]; one answer per
// line of stdout, JSON {"rendered": ["<span ...>", ...]}, or {"error": "..."} for a formula KaTeX
// cannot parse. A build starts this once and sends every page's formulas to it in turn.
import katex from "katex";
import readline from "node:readline";

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  const rendered = [];
  for (const { tex, display } of JSON.parse(line)) {
    try {
      rendered.push(katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: "error", output: "htmlAndMathml" }));
    } catch (error) {
      process.stdout.write(JSON.stringify({ error: `KaTeX cannot render ${JSON.stringify(tex)}: ${error.message}` }) + "\n");
      return;
    }
  }
  process.stdout.write(JSON.stringify({ rendered }) + "\n");
});
