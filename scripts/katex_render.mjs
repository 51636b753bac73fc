// Render TeX to HTML + MathML with KaTeX at build time, so pages need no JavaScript for maths.
// stdin: JSON [{"tex": "...", "display": true|false}, ...]; stdout: JSON ["<span ...>", ...].
// A formula KaTeX cannot parse is an error: the message goes to stderr and the exit status is 1.
import katex from "katex";

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const formulas = JSON.parse(input);
  const rendered = [];
  for (const { tex, display } of formulas) {
    try {
      rendered.push(katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: "error", output: "htmlAndMathml" }));
    } catch (error) {
      process.stderr.write(`KaTeX cannot render ${JSON.stringify(tex)}: ${error.message}\n`);
      process.exit(1);
    }
  }
  process.stdout.write(JSON.stringify(rendered));
});
