// Loaded into `trove serve` by bench/load.ts --profile (NODE_OPTIONS=--import …; --cpu-prof is not
// allowed there): the first SIGUSR2 starts sampling the main thread, the second writes
// $TROVE_BENCH_PROFILE_DIR/serve-<pid>.cpuprofile (open it in Chrome DevTools or speedscope).
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

const dir = process.env.TROVE_BENCH_PROFILE_DIR;
if (isMainThread && dir && process.argv.includes('serve')) {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start')));
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      const file = path.join(dir, `serve-${process.pid}.cpuprofile`);
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(res.profile));
      fs.renameSync(`${file}.tmp`, file); // the bench waits for the name: never a half-written file
    });
  });
}
