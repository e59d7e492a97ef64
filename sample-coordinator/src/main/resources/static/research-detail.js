// The research detail on the coordinator's page: for each research request (from the page's form, curl, bin/demo
// or the ask mode) a waterfall of its parallel calls (when each was asked, how long it took, who answered, over which
// path), drawn with Apache ECharts, and its trace tree across the processes, from the spans the fleet exports to the
// demo's trace collector. Reads GET api/research/recent (the latest requests, newest first) and GET
// api/traces/{traceId}; follows the newest request unless one is picked. Its own section, styles and script, so that
// it stays apart from the rest of the page. ECharts comes from index.html (its WebJar), loaded before this script.
'use strict';

(() => {
  const RECENT_EVERY_MS = 2000;
  const TRACE_EVERY_MS = 1000;
  const TRACE_POLLS = 30; // spans come in batches, a second or so after the answer; give up after half a minute
  const PATH_COLOURS = { direct: '#17803d', relayed: '#b36b00', 'relayed over TCP': '#7a3db3', unknown: '#b3261e' };
  const BROADCAST_COLOUR = '#2456b3';

  const section = document.getElementById('research-detail');
  if (!section) {
    return;
  }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([key, value]) => node.setAttribute(key, value));
    children.flat().forEach((child) => node.append(child instanceof Node ? child : String(child ?? '')));
    return node;
  }

  // A duration in human units: µs below a millisecond, s from ten seconds on.
  function duration(ms) {
    if (ms === 0) {
      return '0';
    }
    if (ms < 1) {
      return `${Math.round(ms * 1000)} µs`;
    }
    if (ms >= 10000) {
      return `${(ms / 1000).toFixed(1)} s`;
    }
    return `${ms.toFixed(ms < 100 ? 1 : 0)} ms`;
  }

  // What a bar is called on the chart's axis: the capability, and for a rate its pair.
  function barName(bar) {
    const args = bar.arguments || {};
    return args.quote ? `${bar.capability} ${args.base}→${args.quote}` : bar.capability;
  }

  document.head.append(el('link', { rel: 'stylesheet', href: 'research-detail.css' }));

  const picker = el('select', { id: 'research-pick', 'aria-label': 'research request' });
  const summary = el('p', { id: 'research-detail-summary', class: 'note' }, 'No research request yet: ask one above.');
  const waterfall = el('div', { id: 'research-waterfall', role: 'img', 'aria-label': 'the parts of the request on one time axis' });
  const traceStatus = el('p', { id: 'trace-status', class: 'note', 'aria-live': 'polite' });
  const traceRows = el('tbody', { id: 'trace-rows' });
  section.replaceChildren(
    el('h2', {}, 'Research detail ', el('small', {}, 'each part, who answered, over which path; the trace across the fleet')),
    el('div', { class: 'research-detail-head' }, el('label', {}, 'Request ', picker), summary),
    waterfall,
    el('p', { class: 'note legend' }, el('span', { class: 'swatch', style: `--swatch: ${BROADCAST_COLOUR}` }, 'broadcast'),
      ...Object.entries(PATH_COLOURS).map(([path, colour]) =>
        el('span', { class: 'swatch', style: `--swatch: ${colour}` }, path === 'unknown' ? 'no answer' : path))),
    el('h3', {}, 'Trace'),
    traceStatus,
    el('table', { id: 'trace-tree' },
      el('thead', {}, el('tr', {}, ['Span', 'Service', 'Duration', 'When'].map((h) => el('th', {}, h)))),
      traceRows));

  let latest = [];
  let shown = null; // the request on display
  let followNewest = true;
  let chart = null;
  let tracePoll = null;

  picker.addEventListener('change', () => {
    const number = Number(picker.value);
    followNewest = number === latest[0]?.number;
    show(latest.find((w) => w.number === number));
  });

  async function refreshRecent() {
    try {
      const response = await fetch('api/research/recent');
      if (!response.ok) {
        throw new Error(`api/research/recent answered ${response.status}`);
      }
      latest = await response.json();
    } catch (error) {
      summary.textContent = `cannot read the latest requests: ${error.message}`;
      return;
    }
    picker.replaceChildren(...latest.map((w) => el('option', { value: w.number },
      `#${w.number} “${w.topic}” · ${new Date(w.at).toLocaleTimeString()}`)));
    const target = followNewest || !shown ? latest[0] : latest.find((w) => w.number === shown.number) || latest[0];
    if (target) {
      picker.value = String(target.number);
      if (!shown || shown.number !== target.number) {
        show(target);
      }
    }
  }

  function show(request) {
    if (!request) {
      return;
    }
    shown = request;
    section.dataset.request = request.number;
    summary.textContent = `“${request.topic}”: ${request.bars.length} parts in ${duration(request.millis)}`
      + (request.traceId ? ` · trace ${request.traceId}` : ' · not traced');
    drawWaterfall(request).catch((error) => {
      waterfall.replaceChildren(el('p', { class: 'error' }, `cannot draw the waterfall: ${error.message}`));
    });
    followTrace(request);
  }

  // The waterfall's rows: the broadcast to the group first (the parts are asked after it), then one per part.
  function rowsOf(request) {
    const rows = [];
    const told = request.broadcast;
    if (told) {
      rows.push({ name: `tell ${told.group}`, start: 0, millis: told.millis, colour: BROADCAST_COLOUR,
        label: `${told.delivered.length} told${told.failed.length ? `, ${told.failed.length} not reached` : ''}`
          + ` · ${duration(told.millis)}`,
        detail: `told ${told.delivered.join(', ') || 'nobody'}${told.failed.length ? `<br>not reached: ${told.failed.join('; ')}` : ''}` });
    }
    request.bars.forEach((bar) => rows.push({ name: barName(bar), start: bar.startMillis, millis: bar.millis,
      colour: PATH_COLOURS[bar.error ? 'unknown' : bar.path] || '#778',
      label: `${bar.agent || 'no answer'} · ${bar.error ? 'failed' : bar.path} · ${duration(bar.millis)}`,
      detail: `${bar.agent || 'no answer'} · ${bar.path}${bar.error ? `<br>${bar.error}` : ''}` }));
    return rows;
  }

  // One horizontal bar per row, from when it started to when it ended: an invisible bar up to its start, stacked with
  // a visible one for its duration, coloured by path, labelled with who answered.
  async function drawWaterfall(request) {
    const rows = rowsOf(request);
    waterfall.style.height = `${60 + 34 * rows.length}px`;
    if (!chart) {
      chart = window.echarts.init(waterfall, null, { renderer: 'svg' });
      window.addEventListener('resize', () => chart.resize());
    } else {
      chart.resize();
    }
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 230, top: 8, bottom: 28, containLabel: true }, // room on the right for the last bar's label
      xAxis: { type: 'value', axisLabel: { formatter: (ms) => duration(ms) } },
      yAxis: { type: 'category', data: rows.map((row) => row.name), inverse: true, axisTick: { show: false } },
      tooltip: { trigger: 'item', formatter: (item) => {
        const row = rows[item.dataIndex];
        return `${row.name}<br>${row.detail}<br>from +${duration(row.start)}, took ${duration(row.millis)}`;
      } },
      series: [
        { type: 'bar', stack: 'row', silent: true, itemStyle: { color: 'transparent' }, data: rows.map((row) => row.start),
          tooltip: { show: false } },
        { type: 'bar', stack: 'row', barWidth: 18,
          data: rows.map((row) => ({ value: row.millis, itemStyle: { color: row.colour } })),
          label: { show: true, position: 'right', color: '#1d2330', fontSize: 12,
            formatter: (item) => rows[item.dataIndex].label } },
      ],
    }, true);
    waterfall.dataset.bars = String(rows.length);
  }

  // Asks the collector (through the coordinator) for the request's spans until every process that answered a part
  // has sent its own: the batch exporters send them a moment after the answer.
  function followTrace(request) {
    clearTimeout(tracePoll);
    traceRows.replaceChildren();
    delete traceStatus.dataset.state;
    if (!request.traceId) {
      traceStatus.textContent = 'This request was not traced.';
      return;
    }
    const expected = new Set(request.bars.map((b) => b.agent).filter(Boolean));
    let polls = 0;
    const poll = async () => {
      if (shown !== request) {
        return;
      }
      polls += 1;
      let trace;
      try {
        const response = await fetch(`api/traces/${request.traceId}`);
        const body = await response.json().catch(() => ({}));
        if (!response.ok) {
          traceStatus.dataset.state = 'unavailable';
          traceStatus.textContent = body.detail || `api/traces answered ${response.status}`;
          return; // no collector, or it failed: asking again would not help
        }
        trace = body;
      } catch (error) {
        traceStatus.textContent = `cannot read the trace: ${error.message}`;
        return;
      }
      if (shown !== request) {
        return;
      }
      drawTrace(trace);
      const missing = [...expected].filter((service) => !trace.services.includes(service));
      if (trace.spans.length > 0 && missing.length === 0) {
        traceStatus.dataset.state = 'complete';
        traceStatus.textContent = `${trace.spans.length} spans from ${trace.services.join(', ')}`;
      } else if (polls >= TRACE_POLLS) {
        traceStatus.dataset.state = 'incomplete';
        traceStatus.textContent = `${trace.spans.length} spans; none came from ${missing.join(', ') || 'any process'}`;
      } else {
        traceStatus.textContent = `${trace.spans.length} spans so far; waiting for ${missing.join(', ') || 'the first'}…`;
        tracePoll = setTimeout(poll, TRACE_EVERY_MS);
      }
    };
    traceStatus.textContent = 'Asking for the trace…';
    poll();
  }

  // The spans depth first, as the collector orders them: the name indented by its depth, the process it ran in, its
  // duration, and a bar for when it ran within the trace.
  function drawTrace(trace) {
    const end = Math.max(1e-3, ...trace.spans.map((s) => s.startMillis + s.millis));
    traceRows.replaceChildren(...trace.spans.map((span) => el('tr', { 'data-service': span.service, 'data-depth': span.depth },
      el('td', { class: 'span-name', style: `--depth: ${span.depth}` }, span.name),
      el('td', { class: 'span-service' }, span.service),
      el('td', { class: 'num' }, duration(span.millis)),
      el('td', { class: 'span-when' }, el('span', {
        class: 'span-bar',
        style: `left: ${(100 * span.startMillis / end).toFixed(2)}%; width: ${Math.max(0.5, 100 * span.millis / end).toFixed(2)}%`,
      })))));
  }

  refreshRecent();
  setInterval(refreshRecent, RECENT_EVERY_MS);
})();
