// The demo's controls (only when the fleet turned them on: GET api/demo says so): stop a specialist, start another
// fx specialist, set loss on a specialist's link. The fleet carries them out and checks them; a refusal (an unknown
// agent, a loss outside 0–100 %) is shown as it is answered, and nothing changed.
'use strict';

const controls = (() => {
  async function post(url, doing) {
    status(`${doing}…`, 'busy');
    setBusy(true);
    try {
      const response = await fetch(url, { method: 'POST' });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        status(body.error || `${url} answered ${response.status}`, 'failed');
      } else {
        status(describe(body), 'done');
      }
    } catch (error) {
      status(error.message, 'failed');
    } finally {
      setBusy(false);
      await load();
      topology.refresh();
    }
  }

  function describe(body) {
    if (body.stopped) return `Stopped ${body.stopped}: it left the backbone; the next calls go to the others.`;
    if (body.started) return `Started ${body.started}: it registered, and calls to its capabilities now spread over it.`;
    if (body.agent) return `${body.agent} now loses ${body.lossPercent} % of its datagrams, both ways.`;
    return JSON.stringify(body);
  }

  function status(text, state) {
    $('demo-status').textContent = text;
    $('demo-status').className = state === 'failed' ? 'note error' : 'note';
    $('demo-status').setAttribute('data-state', state);
  }

  function setBusy(busy) {
    $('demo-controls').querySelectorAll('button').forEach((button) => { button.disabled = busy; });
  }

  async function load() {
    const demo = await json('api/demo').catch(() => ({ enabled: false }));
    $('demo-controls').hidden = !demo.enabled;
    if (!demo.enabled) {
      return;
    }
    const chosen = $('demo-agent').value;
    const specialists = demo.agents.filter((agent) => !agent.coordinator);
    $('demo-agent').replaceChildren(...specialists.map((agent) =>
      el('option', { value: agent.name }, agent.lossPercent ? `${agent.name} (loss ${agent.lossPercent} %)` : agent.name)));
    if (specialists.some((agent) => agent.name === chosen)) {
      $('demo-agent').value = chosen;
    }
  }

  const agent = () => encodeURIComponent($('demo-agent').value);
  $('demo-stop').addEventListener('click', () => post(`api/demo/agents/${agent()}/stop`, `Stopping ${$('demo-agent').value}`));
  $('demo-start').addEventListener('click', () => post('api/demo/specialists?profile=fx', 'Starting another fx specialist'));
  $('demo-loss-form').addEventListener('submit', (event) => {
    event.preventDefault();
    post(`api/demo/agents/${agent()}/loss?${new URLSearchParams({ percent: $('demo-loss').value })}`,
      `Setting loss on ${$('demo-agent').value}`);
  });
  load();
  return { load };
})();
