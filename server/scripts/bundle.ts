/**
 * The server as one ES module, built by esbuild from server/src/main.ts: what `pnpm start`, the cluster and the
 * megacity profile run, and what the tests that start the server as a process run (server/test/server-bundle.ts).
 * One file loads in about half the time the ~300 TypeScript modules take under tsx, and the process holds no
 * compiler: about 235 MB resident after start on the demo history instead of about 435 MB (tsx's process and the
 * server's together; docs/megacity.md, "Memory").
 *
 * The server's own code and the workspace packages (shared, data) are bundled; every npm package stays an import of
 * the file it resolves to, so it loads exactly as under tsx. `import.meta.url` keeps the value of the source file it
 * is written in, so the paths built from it (the migrations, the repository root, the built client, the fonts) are
 * the same as when the server runs from its sources.
 *
 *   tsx server/scripts/bundle.ts        (writes server/.bundle/main.mjs; `pnpm start` runs it then)
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from '../src/config.ts';

/** Where `pnpm start` finds the bundle. */
export const START_BUNDLE = path.join(REPO_ROOT, 'server', '.bundle', 'main.mjs');

/**
 * How the server's node runs wherever it starts as a process: `pnpm start` (server/package.json spells the same,
 * checked by server/test/start-script.test.ts), the cluster, the megacity profile and the soak. Young-generation
 * semi-spaces of 4 MB instead of V8's 16 MB, an old space let grow 25 % past what the last full collection kept
 * (V8 picks up to 4× by its own measure of speed) and two malloc arenas instead of glibc's eight per core: the live
 * heap of a running server is 60–100 MB, and most of the resident memory above it was these reserves and the
 * garbage they let accumulate (docs/megacity.md, "Memory"). Not a cap: a large response still gets its memory.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=25'];
export const SERVER_NODE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

const sourceMetaUrl: esbuild.Plugin = {
  name: 'gc-server-bundle',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const contents = source.includes('import.meta.url') ? source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)) : source;
      return { contents, loader: 'ts' };
    });
    // npm packages: imported from where they resolve (pnpm keeps each package's own dependencies beside it)
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@gridcommand/') || args.path.startsWith('node:') || args.pluginData === 'gc-inner') return undefined;
      const r = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'gc-inner' });
      if (r.errors.length > 0) return { errors: r.errors };
      if (r.external || !path.isAbsolute(r.path)) return { path: args.path, external: true };
      if (r.path.endsWith('.ts')) return undefined;
      return { path: pathToFileURL(r.path).href, external: true };
    });
  },
};

/** Builds the bundle into `outfile` (about a second): written next to it first, then renamed into place. */
export async function buildServerBundle(outfile: string = START_BUNDLE): Promise<string> {
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const tmp = `${outfile}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'server', 'src', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: tmp,
    plugins: [sourceMetaUrl],
    logLevel: 'warning',
  });
  fs.renameSync(tmp, outfile);
  return outfile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildServerBundle().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
