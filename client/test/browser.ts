/** Debian's Chromium driven by playwright-core, and a pixel count of screenshots done in the page itself. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../server/src/config.ts';

export const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');

/** As root on Debian/Ubuntu, installs Chromium and CJK fonts when missing (like the database provisioning). */
function ensureChromium(executablePath: string): void {
  if (fs.existsSync(executablePath) || process.env.CHROMIUM_PATH) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !fs.existsSync('/etc/debian_version')) return;
  console.log('Installing chromium and fonts-noto-cjk with apt-get for the browser tests…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-cjk'], { stdio: 'inherit', env });
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  ensureChromium(executablePath);
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath,
    args: [
      '--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--use-gl=angle', '--use-angle=gl-egl', '--ignore-gpu-blocklist',
      // no endless pulsing and blinking (the product honours reduced motion): software WebGL redraws are costly
      '--force-prefers-reduced-motion',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<{ file: string; png: Buffer }> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  const png = await page.screenshot({ path: file });
  return { file, png };
}

/** Share of pixels in a rectangle of the PNG that differ clearly from the given background colour. */
export async function nonBackgroundShare(
  page: Page,
  png: Buffer,
  background: [number, number, number],
  rect?: { x: number; y: number; w: number; h: number },
): Promise<number> {
  return page.evaluate(
    async ({ b64, bg, rect }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const r = rect ?? { x: 0, y: 0, w: img.width, h: img.height };
      const canvas = new OffscreenCanvas(r.w, r.h);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, -r.x, -r.y);
      const data = ctx.getImageData(0, 0, r.w, r.h).data;
      let differ = 0;
      for (let i = 0; i < data.length; i += 4) {
        const d = Math.abs(data[i]! - bg[0]) + Math.abs(data[i + 1]! - bg[1]) + Math.abs(data[i + 2]! - bg[2]);
        if (d > 30) differ++;
      }
      return differ / (r.w * r.h);
    },
    { b64: png.toString('base64'), bg: background, rect },
  );
}
