// The coordinator's page: asks POST /research and renders who answered each part, over which path, in how
// long; asks GET /api/ask for a question in words; keeps the table of agents from /api/agents (the directory) and
// /actuator/pilot (the tunnels). The graph, the charts and the demo controls are in topology.js, charts.js and
// controls.js, which use the helpers defined here.
'use strict';

const $ = (id) => document.getElementById(id);

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([key, value]) => node.setAttribute(key, value));
  children.flat().forEach((child) => node.append(child instanceof Node ? child : String(child ?? '')));
  return node;
}

async function json(url, options) {
  const response = await fetch(url, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.detail || body.message || `${url} answered ${response.status}`);
  }
  return body;
}

// What a part's result says, in a line or a short list.
function summary(part) {
  if (part.error) {
    return el('span', { class: 'error' }, part.error);
  }
  const result = part.result || {};
  switch (part.capability) {
    case 'papers.search':
      return el('ul', {}, (result.results || []).map((paper) =>
        el('li', {}, `${paper.title} (${paper.year}) · cited by ${paper.citedBy}`)));
    case 'news.search':
      return el('ul', {}, (result.items || []).map((item) =>
        el('li', {}, `${item.title} · ${item.feed}, ${String(item.published).slice(0, 10)}`)));
    case 'fx.rate':
      return `1 ${result.base} = ${result.rate} ${result.quote} (${result.date})`;
    default:
      return el('span', { class: 'mono' }, JSON.stringify(result));
  }
}

function renderAnswer(answer) {
  const rows = answer.parts.map((part) => el('tr', { 'data-capability': part.capability, 'data-agent': part.agent || '' },
    el('td', { class: 'mono' }, part.capability),
    el('td', {}, part.agent || '—'),
    el('td', { class: part.path }, part.path),
    el('td', { class: 'num' }, `${part.millis.toFixed(1)} ms`),
    el('td', {}, summary(part))));
  const told = answer.broadcast
    ? `Told ${answer.broadcast.group}: ${answer.broadcast.delivered.join(', ') || 'nobody'}`
      + (answer.broadcast.failed.length ? ` · not reached: ${answer.broadcast.failed.join('; ')}` : '')
    : '';
  $('answer').replaceChildren(
    el('p', { id: 'answer-summary' }, `“${answer.topic}”: ${answer.parts.length} parts in ${answer.millis.toFixed(1)} ms`,
      answer.traceId ? ` · trace ${answer.traceId}` : ''),
    el('table', { id: 'answer-table' },
      el('thead', {}, el('tr', {}, ['Capability', 'Agent', 'Path', 'Time', 'Answer'].map((h) => el('th', {}, h)))),
      el('tbody', {}, rows)),
    el('p', { class: 'note' }, told));
}

async function research(topic, currencies) {
  $('answer').replaceChildren(el('p', {}, `Researching “${topic}”…`));
  try {
    renderAnswer(await json('research', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ topic, currencies }),
    }));
  } catch (error) {
    $('answer').replaceChildren(el('p', { class: 'error', id: 'answer-error' }, error.message));
  }
}

// A question in words (GET /api/ask): a language model with the mesh's tools, or the planner when none is configured.
function renderQuestion(answer) {
  const steps = answer.steps.map((step) => el('li', { 'data-tool': step.tool },
    el('span', { class: 'mono' }, `${step.tool} ${step.arguments}`), ' → ',
    step.error ? el('span', { class: 'error' }, step.error) : el('span', { class: 'mono' }, step.result)));
  $('question-answer').replaceChildren(
    el('p', { id: 'question-summary', 'data-mode': answer.mode },
      `${answer.mode === 'model' ? 'The model' : 'The planner (no model configured)'} answered in ${answer.millis.toFixed(1)} ms`
      + ` with ${answer.steps.length} tool calls`),
    el('pre', { id: 'question-text' }, answer.answer || ''),
    el('ul', { id: 'question-steps', class: 'note' }, steps));
}

async function ask(question) {
  $('question-answer').replaceChildren(el('p', {}, `Asking “${question}”…`));
  try {
    renderQuestion(await json(`api/ask?${new URLSearchParams({ q: question })}`));
  } catch (error) {
    $('question-answer').replaceChildren(el('p', { class: 'error', id: 'question-error' }, error.message));
  }
}

// A loopback or LAN round trip reads in whole microseconds, a longer one in ms to three significant digits.
function roundTrip(micros) {
  if (micros == null) {
    return '—';
  }
  if (micros < 1000) {
    return `${micros} µs`;
  }
  const ms = micros / 1000;
  return `${ms.toFixed(ms < 10 ? 2 : ms < 100 ? 1 : 0)} ms`;
}

// Bytes in binary units: 512 B, 1.5 KiB, 12.3 MiB.
function bytes(count) {
  if (count == null) {
    return '—';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}

// The bytes each tunnel carried at the last refresh, to show rates per second.
let lastCounts = new Map();

async function refreshMesh() {
  try {
    const [self, agents] = await Promise.all([json('actuator/pilot'), json('api/agents')]);
    $('self').textContent = `${self.hostname} · ${self.address} · backbone ${self.backbone.status}`
      + (self.backbone.embedded ? ' (embedded)' : '');
    const now = performance.now();
    const peers = new Map(self.peers.map((peer) => [peer.address, peer]));
    const rate = (peer) => {
      const before = lastCounts.get(peer.address);
      if (!before) {
        return '—';
      }
      const seconds = (now - before.at) / 1000;
      return `${bytes(Math.round((peer.bytesIn - before.in) / seconds))}/s · ${bytes(Math.round((peer.bytesOut - before.out) / seconds))}/s`;
    };
    $('agents').replaceChildren(...agents.map((agent) => {
      const peer = peers.get(agent.address);
      const self_ = agent.address === self.address;
      return el('tr', { 'data-agent': agent.hostname },
        el('td', {}, agent.hostname, el('br'), el('span', { class: 'mono note' }, agent.address)),
        el('td', { class: 'mono' }, agent.capabilities.join(', ') || '—'),
        el('td', {}, agent.groups.join(', ')),
        el('td', { class: peer ? peer.path : '' }, self_ ? 'this node' : peer ? peer.path : 'no tunnel yet'),
        el('td', { class: 'num' }, peer ? roundTrip(peer.rttMicros) : '—'),
        el('td', { class: 'num' }, peer ? `${bytes(peer.bytesIn)} / ${bytes(peer.bytesOut)}` : '—'),
        el('td', { class: 'num' }, peer ? rate(peer) : '—'));
    }));
    lastCounts = new Map(self.peers.map((peer) => [peer.address, { at: now, in: peer.bytesIn, out: peer.bytesOut }]));
  } catch (error) {
    $('self').textContent = `cannot read the mesh: ${error.message}`;
  }
}

// The streamed reply: GET api/fx/series answers Server-Sent Events (source, point…, end or failure), read with
// fetch so that a refusal before the first point arrives as its problem document; Stop (or a new stream) aborts the
// request, and the coordinator then cancels the specialist's stream.
let seriesAbort = null;

function seriesShow(id, text) {
  $(id).textContent = text;
}

function drawSeries(points) {
  const rates = points.map((point) => Number(point.rate));
  const low = Math.min(...rates);
  const high = Math.max(...rates);
  const span = high - low || 1;
  const step = 600 / Math.max(points.length - 1, 1);
  $('series-line').setAttribute('points', rates.map((rate, i) =>
    `${(i * step).toFixed(1)},${(150 - ((rate - low) / span) * 140).toFixed(1)}`).join(' '));
  $('series-chart').setAttribute('data-items', points.length);
  $('series-range').textContent = `${points[0].date} … ${points[points.length - 1].date} · `
    + `1 ${$('series-base').value.toUpperCase()} = ${low} to ${high} ${$('series-quote').value.toUpperCase()}`;
}

// The blocks of a Server-Sent Events text, each as {event, id, data}.
function sseEvents(text) {
  return text.split('\n\n').filter(Boolean).map((block) => {
    const event = { event: 'message', data: '' };
    block.split('\n').forEach((line) => {
      const colon = line.indexOf(':');
      const field = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') {
        event.data += value;
      } else if (field === 'event' || field === 'id') {
        event[field] = value;
      }
    });
    return event;
  });
}

async function streamSeries() {
  if (seriesAbort) {
    seriesAbort.abort();
  }
  const abort = new AbortController();
  seriesAbort = abort;
  const query = new URLSearchParams({ base: $('series-base').value.trim(), quote: $('series-quote').value.trim() });
  ['from', 'to'].filter((bound) => $(`series-${bound}`).value).forEach((bound) => query.set(bound, $(`series-${bound}`).value));
  const points = [];
  const started = performance.now();
  let first = null;
  ['series-count', 'series-first', 'series-rate', 'series-agent', 'series-path'].forEach((id) => seriesShow(id, '—'));
  $('series-line').setAttribute('points', '');
  $('series-chart').removeAttribute('data-items');
  seriesShow('series-range', '');
  $('series-status').className = 'note';
  $('series-status').removeAttribute('data-state');
  seriesShow('series-status', 'streaming…');
  const onEvent = ({ event, data }) => {
    const body = JSON.parse(data);
    if (event === 'source') {
      seriesShow('series-agent', body.agent || `one of ${body.providers.join(', ')}`);
      $('series-agent').setAttribute('data-agent', body.agent || '');
      seriesShow('series-path', body.path);
      $('series-path').className = body.path;
    } else if (event === 'point') {
      const now = performance.now();
      first = first ?? now - started;
      points.push(body);
      seriesShow('series-count', points.length);
      seriesShow('series-first', `${first.toFixed(1)} ms`);
      seriesShow('series-rate', `${Math.round(points.length / ((now - started) / 1000))}`);
      drawSeries(points);
    } else if (event === 'end') {
      $('series-status').setAttribute('data-state', 'done');
      seriesShow('series-status', `${body.items} points · at the coordinator: first after ${body.firstItemMillis.toFixed(1)} ms,`
        + ` all in ${body.millis.toFixed(1)} ms`);
    } else if (event === 'failure') {
      seriesFailed(body.code, `${body.detail} (after ${body.items} points)`);
    }
  };
  try {
    const response = await fetch(`api/fx/series?${query}`, {
      headers: { Accept: 'text/event-stream, application/problem+json' },
      signal: abort.signal,
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      seriesFailed(problem.code || response.status, problem.detail || `api/fx/series answered ${response.status}`);
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      buffer += value;
      const complete = buffer.lastIndexOf('\n\n');
      if (complete >= 0) {
        sseEvents(buffer.slice(0, complete)).forEach(onEvent);
        buffer = buffer.slice(complete + 2);
      }
    }
  } catch (error) {
    if (error.name === 'AbortError') {
      seriesShow('series-status', `stopped after ${points.length} points`);
    } else {
      seriesFailed('UNAVAILABLE', error.message);
    }
  }
}

function seriesFailed(code, detail) {
  $('series-status').className = 'note error';
  $('series-status').setAttribute('data-state', 'failed');
  $('series-status').setAttribute('data-code', code);
  seriesShow('series-status', `${code}: ${detail}`);
}

$('series-form').addEventListener('submit', (event) => {
  event.preventDefault();
  streamSeries();
});
$('series-stop').addEventListener('click', () => seriesAbort && seriesAbort.abort());

$('question-form').addEventListener('submit', (event) => {
  event.preventDefault();
  ask($('question').value.trim());
});

$('research-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const currencies = $('currencies').value.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
  research($('topic').value.trim(), currencies);
});

refreshMesh();
setInterval(refreshMesh, 2000);
streamSeries();

// /?topic=attention researches at once (links, scripts, the headless browser test).
const requested = new URLSearchParams(location.search).get('topic');
if (requested) {
  $('topic').value = requested;
  research(requested, $('currencies').value.split(',').map((c) => c.trim()));
}

const question = new URLSearchParams(location.search).get('q');
if (question) {
  $('question').value = question;
  ask(question);
}
