// `npm run build`: bundles the widget with socket.io-client into dist/, which Rasa serves.
import { copyFile, mkdir, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = new URL("./dist/", import.meta.url);
await rm(dist, { recursive: true, force: true });
await mkdir(dist);

const common = {
  absWorkingDir: here,
  bundle: true,
  minify: true,
  target: "es2020",
  logLevel: "warning",
};
await build({
  ...common,
  entryPoints: ["src/widget.js"],
  format: "iife",
  outfile: "dist/signpost-widget.js",
});
await build({ ...common, entryPoints: ["widget.css"], outfile: "dist/signpost-widget.css" });
await copyFile(new URL("./index.html", import.meta.url), new URL("index.html", dist));
