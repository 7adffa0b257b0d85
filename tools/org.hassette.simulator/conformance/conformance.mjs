// Runs Home Assistant's official WebSocket client against a simulator and prints what it saw as JSON.
// Usage: HA_URL=http://127.0.0.1:PORT HA_TOKEN=... node conformance.mjs
// Node 20 has no global WebSocket without a flag, so the client gets the `ws` package, as its README advises.
import WebSocket from "ws";
import {
  createConnection,
  createLongLivedTokenAuth,
  getStates,
  getServices,
  getConfig,
  callService,
  subscribeEntities,
  ERR_INVALID_AUTH,
} from "home-assistant-js-websocket";

globalThis.WebSocket = WebSocket;

const url = process.env.HA_URL;
const token = process.env.HA_TOKEN;
const light = process.env.HA_LIGHT || "light.kitchen_light";
const out = {};

const timer = setTimeout(() => {
  console.log(JSON.stringify({ ...out, error: "timed out after 20 s" }));
  process.exit(1);
}, 20000);

function waitFor(predicate, what, ms = 5000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const v = predicate();
      if (v) return resolve(v);
      if (Date.now() - started > ms) return reject(new Error("timed out waiting for " + what));
      setTimeout(tick, 5);
    };
    tick();
  });
}

async function main() {
  const conn = await createConnection({ auth: createLongLivedTokenAuth(url, token) });
  out.haVersion = conn.haVersion;

  const states = await getStates(conn);
  out.stateCount = states.length;
  out.sampleState = states.find((s) => s.entity_id === light) || null;

  const services = await getServices(conn);
  out.hasLightTurnOn = Boolean(services.light && services.light.turn_on);

  const config = await getConfig(conn);
  out.config = { version: config.version, location_name: config.location_name, state: config.state };

  let entities = null;
  const unsubEntities = subscribeEntities(conn, (ents) => {
    entities = ents;
  });
  await waitFor(() => entities, "subscribe_entities snapshot");
  out.entityCount = Object.keys(entities).length;
  out.entityBefore = entities[light] ? entities[light].state : null;

  const changes = [];
  const unsubEvents = await conn.subscribeEvents((ev) => changes.push(ev), "state_changed");
  const allEvents = [];
  const unsubAll = await conn.subscribeEvents((ev) => allEvents.push(ev.event_type));

  const callResult = await callService(conn, "light", "turn_on", { brightness: 128 }, { entity_id: light });
  out.callContextId = callResult.context.id;
  const change = await waitFor(() => changes.find((e) => e.data.entity_id === light), "state_changed of " + light);
  out.stateChanged = {
    old: change.data.old_state && change.data.old_state.state,
    new: change.data.new_state.state,
    brightness: change.data.new_state.attributes.brightness,
    contextId: change.context.id,
    timeFired: change.time_fired,
  };
  await waitFor(() => entities[light] && entities[light].state === "on", "entities store update");
  out.entityAfter = entities[light].state;
  out.entityBrightness = entities[light].attributes.brightness;
  out.entityLastChanged = entities[light].last_changed;
  await waitFor(() => allEvents.includes("call_service"), "call_service event");
  out.sawCallServiceEvent = true;

  const forecast = await callService(conn, "weather", "get_forecasts", { type: "daily" }, { entity_id: "weather.home" }, true);
  out.forecastDays = forecast.response["weather.home"].forecast.length;

  try {
    await callService(conn, "nope", "nope");
    out.missingServiceError = null;
  } catch (err) {
    out.missingServiceError = err.code;
  }

  await conn.ping();
  out.pong = true;

  unsubEntities();
  await unsubEvents();
  await unsubAll();
  conn.close();

  try {
    await createConnection({ auth: createLongLivedTokenAuth(url, token + "-wrong") });
    out.badTokenError = null;
  } catch (err) {
    out.badTokenError = err === ERR_INVALID_AUTH ? "ERR_INVALID_AUTH" : String(err);
  }
}

main()
  .then(() => {
    clearTimeout(timer);
    console.log(JSON.stringify(out));
    process.exit(0);
  })
  .catch((err) => {
    clearTimeout(timer);
    console.log(JSON.stringify({ ...out, error: String(err && err.stack ? err.stack : err) }));
    process.exit(1);
  });
