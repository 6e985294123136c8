/**
 * pnpm simulate [--speed S] [--rate N] [--monthly M] [--url http://host:port] [--seconds T] [--neglect 0.01] [--no-teams]
 * Drives a running GridCommand server through its API at human pace: reports, dispatches, handles, verifies, closes.
 *   --speed    time compression, simulated seconds per real second (default GC_SIM_SPEED or 1 = real time)
 *   --rate     fixed new reports per real second instead of the history's volume at the current hour
 *   --monthly  the district's reports in 30 days that new reports follow (default GC_DEMO_HISTORY or 50,000)
 */
import { parseArgs } from 'node:util';
import { DEFAULT_MONTHLY_REPORTS, DEFAULT_NEGLECT, DEFAULT_SIM_SPEED, Simulator } from '../src/modules/demo/simulator.ts';

const { values } = parseArgs({
  options: {
    speed: { type: 'string', default: process.env.GC_SIM_SPEED || String(DEFAULT_SIM_SPEED) },
    rate: { type: 'string' },
    monthly: { type: 'string', default: process.env.GC_DEMO_HISTORY || String(DEFAULT_MONTHLY_REPORTS) },
    url: { type: 'string', default: process.env.GC_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8080}` },
    seconds: { type: 'string' },
    neglect: { type: 'string', default: String(DEFAULT_NEGLECT) },
    'no-teams': { type: 'boolean', default: false },
    password: { type: 'string', default: process.env.GC_DEMO_PASSWORD ?? 'gridcommand-demo' },
  },
});

function numberArg(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number between ${min} and ${max}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const speed = numberArg('speed', values.speed, 0.01, 3600)!;
const rate = numberArg('rate', values.rate, 0.0001, 1000);
const monthly = numberArg('monthly', values.monthly, 1, 10_000_000)!;
const neglect = numberArg('neglect', values.neglect, 0, 1)!;
const seconds = numberArg('seconds', values.seconds, 1, 365 * 86_400);

const sim = new Simulator({
  baseUrl: values.url!.replace(/\/$/, ''),
  speed,
  rate,
  monthlyReports: monthly,
  password: values.password!,
  neglect,
  teams: !values['no-teams'],
  log: (l) => console.log(l),
});
const line = () => {
  const s = sim.stats;
  return `created ${s.created}, actions ${s.actions}, scheduled ${sim.scheduled}, picked up ${s.pickedUp}, neglected ${s.neglected}, conflicts ${s.conflicts}, skipped ${s.skipped}, errors ${s.errors}`;
};
await sim.start().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
const report = setInterval(() => console.log(line()), 10_000);
const stop = async () => {
  clearInterval(report);
  await sim.stop();
  console.log(`done: ${line()}`);
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
if (seconds) setTimeout(() => void stop(), seconds * 1000);
