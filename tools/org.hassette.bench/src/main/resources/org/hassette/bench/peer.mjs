// The peer of the ingest benchmark: Home Assistant's official WebSocket client consuming the
// simulator's bench stream with subscribeEvents("state_changed"), one callback calling 10 no-op
// functions per event (the platform runs 10 no-op listeners). Written to the bench work folder and
// run by org.hassette.bench.PlatformBench; prints one JSON line per state change of its protocol:
//   {"ready":r}                  subscribed and armed for round r (the harness then starts the bench)
//   {"round":r,"events":n,...}   the last event of round r arrived
// Env: HA_URL, HA_TOKEN, BENCH_COUNT (events per round), BENCH_ROUNDS.
import WebSocket from "ws";
import { createConnection, createLongLivedTokenAuth } from "home-assistant-js-websocket";

globalThis.WebSocket = WebSocket; // Node 20 has no global WebSocket without a flag

const count = Number(process.env.BENCH_COUNT);
const rounds = Number(process.env.BENCH_ROUNDS || 1);
const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);
const listeners = Array.from({ length: 10 }, (_, i) => new Function("ev", "return " + i + ";"));

const conn = await createConnection({ auth: createLongLivedTokenAuth(process.env.HA_URL, process.env.HA_TOKEN) });
let round = 0;
let n = 0;
let firstSent = 0;
let lastSeq = -1;
let outOfOrder = 0;
let cpu0 = process.cpuUsage();

function arm() {
  n = 0;
  firstSent = 0;
  lastSeq = -1;
  outOfOrder = 0;
  cpu0 = process.cpuUsage();
  console.log(JSON.stringify({ ready: round }));
}

await conn.subscribeEvents((ev) => {
  const attrs = ev.data.new_state.attributes;
  const seq = attrs.bench_seq;
  if (seq === 0) firstSent = attrs.bench_sent_us;
  if (seq !== lastSeq + 1) outOfOrder++;
  lastSeq = seq;
  for (const l of listeners) l(ev);
  if (++n === count) {
    const end = nowUs();
    const cpu = process.cpuUsage(cpu0);
    console.log(JSON.stringify({ round, events: n, first_sent_us: firstSent, end_us: end,
      cpu_us: cpu.user + cpu.system, out_of_order: outOfOrder, rss: process.memoryUsage().rss }));
    round++;
    if (round < rounds) {
      arm();
    } else {
      conn.close();
      process.exit(0);
    }
  }
}, "state_changed");
arm();
