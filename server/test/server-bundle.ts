/**
 * The server as one ES module for the tests that run it as a process (server-process.ts): built once per test run
 * by esbuild from server/src/main.ts, so each of the two dozen server starts of a run loads one file instead of
 * transforming some three hundred TypeScript modules again (about 3.5 s instead of 6 s a start on 2 cores).
 *
 * The server's own code and the workspace packages (shared, data) are bundled; every npm package stays an import of
 * the file it resolves to, so it loads exactly as under tsx. `import.meta.url` keeps the value of the source file it
 * is written in, so the paths built from it (the migrations, the repository root, the built client, the fonts) are
 * the same as when the server runs from its sources.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from '../src/config.ts';

export const SERVER_BUNDLE = path.join(REPO_ROOT, 'server', '.test-bundle', 'main.mjs');

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

/** Builds the bundle (about a second) and returns its path; written next to itself first, then renamed. */
export async function buildServerBundle(): Promise<string> {
  fs.mkdirSync(path.dirname(SERVER_BUNDLE), { recursive: true });
  const tmp = `${SERVER_BUNDLE}.${process.pid}.tmp`;
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
  fs.renameSync(tmp, SERVER_BUNDLE);
  return SERVER_BUNDLE;
}
