// The charts (Apache ECharts): call latency p50/p99 and calls per second per capability, and the RTT of each of
// the coordinator's tunnels, over the last ten minutes. The coordinator samples them once a second whether a page is
// open or not (GET api/charts?since=T answers the samples after T); the page keeps what it has been sent.
'use strict';

const charts = (() => {
  const KEPT_MILLIS = 10 * 60 * 1000;
  const samples = [];
  let last = 0;

  function lineChart(id, unit, scale) {
    const chart = echarts.init($(id), null, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 12, top: 28, bottom: 22 },
      legend: { type: 'scroll', top: 0, textStyle: { fontSize: 10 }, itemWidth: 14, itemHeight: 8 },
      tooltip: { trigger: 'axis', valueFormatter: (value) => (value == null ? '—' : `${round(value)} ${unit}`) },
      xAxis: { type: 'time', axisLabel: { fontSize: 10, hideOverlap: true } },
      yAxis: { type: scale || 'value', name: unit, nameGap: 8, nameTextStyle: { fontSize: 10, align: 'right' }, axisLabel: { fontSize: 10 } },
      series: [],
    });
    window.addEventListener('resize', () => chart.resize());
    return chart;
  }

  // Logarithmic: a loopback call and one that waited seconds for a dead peer to be given up share the chart.
  const latency = lineChart('chart-latency', 'ms', 'log');
  const throughput = lineChart('chart-throughput', 'calls/s');
  const rtt = lineChart('chart-rtt', 'ms');

  function round(value) {
    return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
  }

  // One series per key that any kept sample has, a gap where a sample lacks it.
  function series(pick, keysOf, suffix, style) {
    const keys = [...new Set(samples.flatMap(keysOf))].sort();
    return keys.map((key) => ({
      name: suffix ? `${key} ${suffix}` : key,
      type: 'line',
      showSymbol: false,
      connectNulls: false,
      lineStyle: style,
      data: samples.map((sample) => [sample.atMillis, pick(sample, key) ?? null]),
    }));
  }

  function draw() {
    const capabilities = (sample) => Object.keys(sample.calls);
    latency.setOption({
      series: [
        ...series((s, k) => s.calls[k]?.p50Millis, capabilities, 'p50', { width: 2 }),
        ...series((s, k) => s.calls[k]?.p99Millis, capabilities, 'p99', { width: 1, type: 'dashed' }),
      ],
    }, { replaceMerge: ['series'] });
    throughput.setOption({ series: series((s, k) => s.calls[k]?.perSecond, capabilities) }, { replaceMerge: ['series'] });
    rtt.setOption({ series: series((s, k) => s.rttMillis[k], (s) => Object.keys(s.rttMillis)) }, { replaceMerge: ['series'] });
    $('charts').setAttribute('data-samples', samples.length);
    $('charts').setAttribute('data-capabilities', [...new Set(samples.flatMap(capabilities))].sort().join(','));
    $('charts').setAttribute('data-peers', [...new Set(samples.flatMap((s) => Object.keys(s.rttMillis)))].sort().join(','));
  }

  async function refresh() {
    try {
      const fresh = await json(`api/charts?since=${last}`);
      if (fresh.length) {
        samples.push(...fresh);
        last = fresh[fresh.length - 1].atMillis;
        while (samples.length && samples[0].atMillis < last - KEPT_MILLIS) {
          samples.shift();
        }
        draw();
      }
    } catch (error) {
      $('charts-note').textContent = `cannot read the charts: ${error.message}`;
    }
  }

  refresh();
  setInterval(refresh, 1000);
  return { refresh };
})();
