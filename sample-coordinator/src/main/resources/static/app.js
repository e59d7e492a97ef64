// The coordinator's page: asks POST /research and renders who answered each part, over which path, in how
// long; keeps a live view of the mesh from /api/agents (the directory) and /actuator/pilot (the tunnels).
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

async function refreshMesh() {
  try {
    const [self, agents] = await Promise.all([json('actuator/pilot'), json('api/agents')]);
    $('self').textContent = `${self.hostname} · ${self.address} · backbone ${self.backbone.status}`
      + (self.backbone.embedded ? ' (embedded)' : '');
    const peers = new Map(self.peers.map((peer) => [peer.address, peer]));
    $('agents').replaceChildren(...agents.map((agent) => {
      const peer = peers.get(agent.address);
      const self_ = agent.address === self.address;
      return el('tr', { 'data-agent': agent.hostname },
        el('td', {}, agent.hostname),
        el('td', { class: 'mono' }, agent.address),
        el('td', { class: 'mono' }, agent.capabilities.join(', ') || '—'),
        el('td', {}, agent.groups.join(', ')),
        el('td', { class: peer ? peer.path : '' }, self_ ? 'this node' : peer ? peer.path : 'no tunnel yet'),
        el('td', { class: 'num' }, peer ? roundTrip(peer.rttMicros) : '—'),
        el('td', { class: 'num' }, peer ? `${peer.bytesIn} / ${peer.bytesOut}` : '—'));
    }));
    $('mesh-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    $('self').textContent = `cannot read the mesh: ${error.message}`;
  }
}

$('research-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const currencies = $('currencies').value.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
  research($('topic').value.trim(), currencies);
});

refreshMesh();
setInterval(refreshMesh, 2000);

// /?topic=attention researches at once (links, scripts, the headless browser test).
const requested = new URLSearchParams(location.search).get('topic');
if (requested) {
  $('topic').value = requested;
  research(requested, $('currencies').value.split(',').map((c) => c.trim()));
}
