// The live topology graph (Apache ECharts): the agents as nodes, the tunnels this process sees as edges labelled
// with RTT and path, and a pulse along an edge for each call or broadcast the coordinator made. Polls GET api/mesh
// every second. What is drawn is mirrored into #topology's data-state (JSON read back from the chart), so a test
// reads what the chart holds, not what this script meant to give it.
'use strict';

const topology = (() => {
  const chart = echarts.init($('topology'), null, { renderer: 'canvas' });
  const ROLE_COLOURS = { coordinator: '#2456b3', backbone: '#555e70', agent: '#17803d' };
  const PATH_COLOURS = { direct: '#17803d', relayed: '#b36b00', 'relayed over TCP': '#b3261e', 'direct over TCP': '#7a3fb3' };
  let latest = 0;
  let primed = false;
  let pulsesShown = 0;
  const recentPulses = [];
  let positions = new Map();

  // The coordinator in the middle, the others on a circle in name order (the backbone among them): the same fleet
  // is always drawn the same way, and an agent that comes or goes moves the others only a little.
  function layout(nodes) {
    const centre = nodes.find((node) => node.role === 'coordinator');
    const around = nodes.filter((node) => node !== centre);
    const placed = new Map();
    if (centre) {
      placed.set(centre.address, [0, 0]);
    }
    around.forEach((node, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(around.length, 1);
      placed.set(node.address, [Math.cos(angle) * 100, Math.sin(angle) * 100]);
    });
    return placed;
  }

  // Capabilities two to a line under the node's name: four agents' labels fit beside each other.
  function pairs(items) {
    return items.reduce((lines, item, i) => (i % 2 ? lines[lines.length - 1].push(item) : lines.push([item]), lines), []);
  }

  function tooltip(node) {
    return [`<b>${node.hostname}</b> · ${node.role}`, `<span class="mono">${node.address}</span>`,
      node.capabilities.length ? `capabilities: ${node.capabilities.join(', ')}` : '',
      node.groups.length ? `groups: ${node.groups.join(', ')}` : ''].filter(Boolean).join('<br>');
  }

  function draw(view) {
    positions = layout(view.nodes);
    const names = new Map(view.nodes.map((node) => [node.address, node.hostname]));
    const data = view.nodes.map((node) => ({
      name: node.hostname,
      value: positions.get(node.address),
      role: node.role,
      symbolSize: node.role === 'coordinator' ? 46 : 34,
      itemStyle: { color: ROLE_COLOURS[node.role] },
      label: { formatter: [`{name|${node.hostname}}`, ...pairs(node.capabilities).map((pair) => `{caps|${pair.join(' · ')}}`)].join('\n') },
      tooltip: { formatter: tooltip(node) },
    }));
    const links = view.edges.map((edge) => ({
      source: names.get(edge.source),
      target: names.get(edge.target),
      path: edge.path,
      rttMicros: edge.rttMicros,
      lineStyle: { color: PATH_COLOURS[edge.path] || '#999', type: edge.path.startsWith('relayed') ? 'dashed' : 'solid' },
      label: { formatter: `${roundTrip(edge.rttMicros)} · ${edge.path}` },
      tooltip: { formatter: `${names.get(edge.source)} ↔ ${names.get(edge.target)}<br>${edge.path}, RTT ${roundTrip(edge.rttMicros)}`
        + `<br>in ${bytes(edge.bytesIn)} · out ${bytes(edge.bytesOut)} (as ${names.get(edge.source)} counts)` },
    }));
    chart.setOption({
      series: [{ id: 'agents', data, links }],
    });
  }

  function pulse(view, events) {
    const byAddress = new Map(view.nodes.map((node) => [node.address, node]));
    const lines = [];
    events.forEach((event) => event.to.forEach((to) => {
      const from = positions.get(event.from);
      const target = positions.get(to);
      if (from && target && byAddress.has(to)) {
        lines.push({
          coords: [from, target],
          kind: event.kind,
          name: `${event.name} → ${byAddress.get(to).hostname}`,
          effect: { color: event.kind === 'broadcast' ? '#b36b00' : event.ok ? '#2456b3' : '#b3261e' },
        });
      }
    }));
    pulsesShown += lines.length;
    chart.setOption({ series: [{ id: 'pulses', data: lines }] });
    recentPulses.push(...lines.map((line) => line.name));
    recentPulses.splice(0, Math.max(0, recentPulses.length - 50));
  }

  // What the chart holds, read back from it.
  function mirror() {
    const option = chart.getOption();
    const agents = option.series.find((series) => series.id === 'agents');
    $('topology').setAttribute('data-state', JSON.stringify({
      nodes: agents.data.map((node) => ({ name: node.name, role: node.role })),
      edges: (agents.links || agents.edges || []).map((link) => ({ source: link.source, target: link.target, path: link.path, rtt: link.label.formatter })),
      pulses: pulsesShown,
      recentPulses,
    }));
  }

  async function refresh() {
    try {
      const mesh = await json(`api/mesh?since=${latest}`);
      draw(mesh.topology);
      if (primed) {
        pulse(mesh.topology, mesh.events); // not on the first answer: it replays what happened before the page opened
      }
      primed = true;
      latest = mesh.latest;
      mirror();
      $('topology-note').textContent = `${mesh.topology.nodes.length} agents, ${mesh.topology.edges.length} tunnels`
        + ` · updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      $('topology-note').textContent = `cannot read the mesh: ${error.message}`;
    }
  }

  chart.setOption({
    animationDurationUpdate: 300,
    tooltip: { confine: true },
    grid: { left: 70, right: 70, top: 40, bottom: 40 },
    xAxis: { type: 'value', show: false, min: -130, max: 130 },
    yAxis: { type: 'value', show: false, min: -125, max: 125 },
    series: [
      {
        id: 'agents',
        type: 'graph',
        coordinateSystem: 'cartesian2d',
        label: {
          show: true,
          position: 'bottom',
          rich: {
            name: { fontSize: 12, fontWeight: 600, lineHeight: 16, color: '#1d2330' },
            caps: { fontSize: 10, lineHeight: 13, color: '#556' },
          },
        },
        edgeLabel: { show: true, fontSize: 10, color: '#334' },
        lineStyle: { width: 2, opacity: 0.8 },
        emphasis: { focus: 'adjacency' },
        data: [],
        links: [],
      },
      {
        id: 'pulses',
        type: 'lines',
        coordinateSystem: 'cartesian2d',
        zlevel: 1,
        silent: true,
        lineStyle: { opacity: 0 },
        effect: { show: true, period: 0.8, trailLength: 0.3, symbol: 'circle', symbolSize: 9, loop: false },
        data: [],
      },
    ],
  });
  window.addEventListener('resize', () => chart.resize());
  refresh();
  setInterval(refresh, 1000);
  return { refresh };
})();
