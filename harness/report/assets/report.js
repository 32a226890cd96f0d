// Draws the report's charts from the JSON in #report-data. Everything is computed in Node;
// this script only turns it into chart.js charts. Runs offline: chart.js is inlined above.
(function () {
  var model = JSON.parse(document.getElementById('report-data').textContent);
  var style = getComputedStyle(document.documentElement);
  var fg = style.getPropertyValue('--fg').trim();
  var muted = style.getPropertyValue('--muted').trim();
  var line = style.getPropertyValue('--line').trim();
  Chart.defaults.color = muted;
  Chart.defaults.borderColor = line;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;

  var colors = {};
  (model.contenders || []).forEach(function (c) {
    colors[c.name] = c.color;
  });
  var MAJOR = '#e67e22';
  var MINOR = 'rgba(127,140,141,0.7)';

  function canvas(id) {
    return document.getElementById(id);
  }
  function fmtMs(ms) {
    if (!Number.isFinite(ms)) return '-';
    if (ms < 1) return (ms * 1000).toPrecision(3) + ' µs';
    if (ms < 1000) return ms.toPrecision(3) + ' ms';
    return (ms / 1000).toPrecision(3) + ' s';
  }
  function logLatencyAxis(title, min, max) {
    return {
      type: 'logarithmic',
      min: min,
      max: max,
      title: { display: true, text: title },
      ticks: {
        callback: function (v) {
          var e = Math.log10(v);
          return Math.abs(e - Math.round(e)) < 1e-9 ? fmtMs(v) : '';
        },
      },
    };
  }
  function xy(xs, ys) {
    return xs.map(function (x, i) {
      return { x: x, y: Math.max(ys[i], 1e-4) };
    });
  }

  // Marks GC events on a latency-over-time chart: forced GCs as purple bands as wide as their
  // pause, natural major GCs as orange lines, scavenges as short grey ticks along the bottom.
  var gcMarks = {
    id: 'gcMarks',
    beforeDatasetsDraw: function (chart, _args, options) {
      var events = options.events || [];
      var x = chart.scales.x,
        area = chart.chartArea,
        ctx = chart.ctx;
      ctx.save();
      events.forEach(function (gc) {
        var left = x.getPixelForValue(gc.t);
        if (left < area.left || left > area.right) return;
        var width = Math.max(2, x.getPixelForValue(gc.t + gc.ms / 1000) - left);
        if (gc.forced) {
          ctx.fillStyle = 'rgba(142,68,173,0.35)';
          ctx.fillRect(left, area.top, width, area.bottom - area.top);
        } else if (gc.kind === 'major' || gc.kind === 'incremental') {
          ctx.strokeStyle = MAJOR;
          ctx.setLineDash([4, 3]);
          ctx.beginPath();
          ctx.moveTo(left, area.top);
          ctx.lineTo(left, area.bottom);
          ctx.stroke();
          ctx.setLineDash([]);
        } else {
          ctx.strokeStyle = MINOR;
          ctx.beginPath();
          ctx.moveTo(left, area.bottom);
          ctx.lineTo(left, area.bottom - 6);
          ctx.stroke();
        }
      });
      ctx.restore();
    },
  };

  function drawRun() {
    // One chart per contender, all on the same log axis, so that their spikes compare by eye
    // and each contender's own GC events can be marked without mixing them up.
    var all = [];
    model.overTime.forEach(function (s) {
      all = all.concat(s.p50, s.max);
    });
    var positive = all.filter(function (v) {
      return v > 0;
    });
    var yMin = 10 ** Math.floor(Math.log10(Math.min.apply(null, positive.length ? positive : [0.001])));
    var yMax = 10 ** Math.ceil(Math.log10(Math.max.apply(null, positive.length ? positive : [1])));
    model.overTime.forEach(function (s, i) {
      var c = colors[s.contender];
      new Chart(canvas('latency-' + i), {
        type: 'line',
        data: {
          datasets: [
            { label: 'max', data: xy(s.t, s.max), borderColor: c, backgroundColor: c, borderWidth: 2, pointRadius: 0 },
            { label: 'p99', data: xy(s.t, s.p99), borderColor: c, backgroundColor: c, borderWidth: 1.5, borderDash: [6, 3], pointRadius: 0 },
            { label: 'p50', data: xy(s.t, s.p50), borderColor: muted, backgroundColor: muted, borderWidth: 1, pointRadius: 0 },
          ],
        },
        options: {
          parsing: false,
          scales: { x: { type: 'linear', title: { display: true, text: 'seconds' } }, y: logLatencyAxis('latency', yMin, yMax) },
          plugins: { gcMarks: { events: s.gc }, title: { display: true, text: s.contender + ' (repetition ' + s.repetition + ')', color: fg } },
        },
        plugins: [gcMarks],
      });
    });

    var ticks = { 2: '50%', 10: '90%', 100: '99%', 1000: '99.9%', 10000: '99.99%', 100000: '99.999%', 1000000: 'max' };
    new Chart(canvas('spectrum'), {
      type: 'line',
      data: {
        datasets: model.spectrum.map(function (s) {
          return { label: s.contender, data: s.points, borderColor: colors[s.contender], backgroundColor: colors[s.contender], pointRadius: 2 };
        }),
      },
      options: {
        parsing: false,
        scales: {
          x: {
            type: 'logarithmic',
            min: 1,
            max: 1000000,
            title: { display: true, text: 'percentile' },
            ticks: {
              callback: function (v) {
                return ticks[v] || (v === 1 ? '0%' : '');
              },
            },
          },
          y: logLatencyAxis('latency'),
        },
      },
    });

    var resources = [
      ['heap', 'heapMiB', 'heap used (MiB)'],
      ['rss', 'rssMiB', 'RSS (MiB)'],
      ['offheap', 'offHeapMiB', 'outside the V8 heap (MiB)'],
      ['cpu', 'cpuPercent', 'CPU (% of one core)'],
    ];
    resources.forEach(function (r) {
      new Chart(canvas('resource-' + r[0]), {
        type: 'line',
        data: {
          datasets: model.resources.map(function (s) {
            return {
              label: s.contender,
              data: xy(s.t, s[r[1]]),
              borderColor: colors[s.contender],
              backgroundColor: colors[s.contender],
              pointRadius: 0,
              borderWidth: 1.5,
            };
          }),
        },
        options: {
          parsing: false,
          scales: { x: { type: 'linear', title: { display: true, text: 'seconds' } }, y: { beginAtZero: true, title: { display: true, text: r[2] } } },
        },
      });
    });

    new Chart(canvas('gc-histogram'), {
      type: 'bar',
      data: {
        labels: model.gc.bucketLabels,
        datasets: model.gc.rows.map(function (row) {
          return { label: row.contender, data: row.buckets, backgroundColor: colors[row.contender] };
        }),
      },
      options: { scales: { y: { type: 'logarithmic', title: { display: true, text: 'pauses' } }, x: { title: { display: true, text: 'pause length' } } } },
    });
  }

  function drawMicro() {
    var tasks = model.tasks;
    new Chart(canvas('micro-ops'), {
      type: 'bar',
      data: {
        labels: tasks,
        datasets: model.rows.map(function (row) {
          return { label: row.contender, data: row.opsPerSecond, backgroundColor: colors[row.contender] };
        }),
      },
      options: { scales: { y: { type: 'logarithmic', title: { display: true, text: 'operations per second' } } } },
    });
  }

  function drawSweep() {
    [
      ['sweep-pause', 'fullGcPauseMs', 'forced full GC pause'],
      ['sweep-p99', 'p99Ms', 'p99 latency'],
      ['sweep-max', 'maxMs', 'max latency'],
    ].forEach(function (m) {
      new Chart(canvas(m[0]), {
        type: 'line',
        data: {
          datasets: model.series.map(function (s) {
            return {
              label: s.contender,
              data: s.points
                .filter(function (p) {
                  return p[m[1]] > 0;
                })
                .map(function (p) {
                  return { x: p.capacity, y: p[m[1]] };
                }),
              borderColor: colors[s.contender],
              backgroundColor: colors[s.contender],
              pointRadius: 3,
            };
          }),
        },
        options: {
          parsing: false,
          scales: {
            x: { type: 'logarithmic', title: { display: true, text: 'cached read states' } },
            y: logLatencyAxis(m[2]),
          },
        },
      });
    });
  }

  if (model.kind === 'run') drawRun();
  else if (model.kind === 'micro') drawMicro();
  else if (model.kind === 'sweep') drawSweep();
  document.documentElement.setAttribute('data-charts-drawn', 'true');
})();
