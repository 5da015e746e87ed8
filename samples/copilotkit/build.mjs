// Bundles the page into dist/ (index.html, main.js, main.css): static files any host can serve, no CDN at run time.
import { build } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";

const root = new URL(".", import.meta.url);
const dist = new URL("dist/", root);
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: [new URL("src/main.jsx", root).pathname],
  outdir: dist.pathname,
  bundle: true,
  format: "esm",
  jsx: "automatic",
  minify: true,
  sourcemap: false,
  target: "es2022",
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".svg": "file", ".png": "file" },
  logLevel: "warning",
});
await copyFile(new URL("src/index.html", root), new URL("index.html", dist));
