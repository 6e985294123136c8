/**
 * pnpm simulate [--rate N] [--url http://host:port] [--seconds S] [--neglect 0.04]
 * Drives a running GridCommand server through its API: reports, dispatches, handles, verifies, closes.
 */
import { parseArgs } from 'node:util';
import { Simulator } from '../src/modules/demo/simulator.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1' },
    url: { type: 'string', default: process.env.GC_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8080}` },
    seconds: { type: 'string' },
    neglect: { type: 'string', default: '0.04' },
    password: { type: 'string', default: process.env.GC_DEMO_PASSWORD ?? 'gridcommand-demo' },
  },
});

const rate = Number(values.rate);
if (!Number.isFinite(rate) || rate <= 0 || rate > 1000) {
  console.error('--rate must be a number of reports per second between 0 and 1000');
  process.exit(2);
}
const sim = new Simulator({
  baseUrl: values.url!.replace(/\/$/, ''),
  rate,
  password: values.password!,
  neglect: Number(values.neglect),
  log: (l) => console.log(l),
});
await sim.start().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
const report = setInterval(() => console.log(`created ${sim.stats.created}, actions ${sim.stats.actions}, conflicts ${sim.stats.conflicts}, errors ${sim.stats.errors}`), 5_000);
const stop = () => {
  sim.stop();
  clearInterval(report);
  console.log(`done: created ${sim.stats.created}, actions ${sim.stats.actions}, conflicts ${sim.stats.conflicts}, errors ${sim.stats.errors}`);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (values.seconds) setTimeout(stop, Number(values.seconds) * 1000);
