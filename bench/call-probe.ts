// Calls arriving one after another at a server, in a process of their own: Twilio is
// another machine, so the probe must not share an event loop with the load it measures
// (the reports benchmark's owners download megabytes in the parent process).
// Run: node --import tsx bench/call-probe.ts <url> <seconds> <everyMs>; prints one JSON line.
import { callParams, sign } from './voice.bench.js';

const [url, seconds, everyMs] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const latencies: number[] = [];
let apologies = 0;
// Two seconds of calls first, not counted: a new process's first requests (connections, compiled code) are its own cost.
const counted = performance.now() + 2_000;
const until = counted + seconds * 1000;
while (performance.now() < until) {
  const params = callParams(true);
  const started = performance.now();
  const res = await fetch(`${url}/twilio/voice`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': sign('/twilio/voice', params),
    },
    body: new URLSearchParams(params),
  });
  const text = await res.text();
  if (started >= counted) {
    latencies.push(performance.now() - started);
    if (text.includes("can't take your call right now")) apologies++;
  }
  await new Promise((r) => setTimeout(r, everyMs));
}
const sorted = latencies.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
    max: sorted.at(-1) ?? 0,
    apologies,
    count: sorted.length,
  }),
);
