// @ts-check
// Draws the store-latency charts from the JSON in #report-data, after report.js (whose
// Chart.defaults it keeps): in a run report, the pressure on the database per row
// (harness/report/store-pressure.ts); in a sweep report, the trade-off figure
// (harness/report/tradeoff-chart.ts). Everything is computed in Node; this only draws.
(function () {
  /** @type {import('./report-model.js').AnyReportModel} */
  var model = JSON.parse(document.getElementById('report-data').textContent);
  var style = getComputedStyle(document.documentElement);
  var fg = style.getPropertyValue('--fg').trim();
  var muted = style.getPropertyValue('--muted').trim();
  var colors = {};
  (model.contenders || []).forEach(function (c) {
    colors[c.name] = c.color;
  });

  function fmtMs(ms) {
    if (!Number.isFinite(ms)) return '-';
    if (ms < 1) return (ms * 1000).toPrecision(3) + ' µs';
    if (ms < 1000) return ms.toPrecision(3) + ' ms';
    return (ms / 1000).toPrecision(3) + ' s';
  }
  function fmtCount(n) {
    if (n >= 1e6) return n / 1e6 + 'M';
    if (n >= 1e3) return n / 1e3 + 'k';
    return String(n);
  }
  function finite(points) {
    return points.filter(function (p) {
      return Number.isFinite(p.y) && p.y > 0;
    });
  }
  // Powers of ten (and 2x, 5x between) on a log axis; no label elsewhere.
  function decadeTicks(format) {
    return function (v) {
      var mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
      return [1, 2, 5].some(function (m) {
        return Math.abs(mantissa - m) < 1e-6;
      })
        ? format(v)
        : '';
    };
  }

  // The 1-2-5 step at or below (above) a value: log axes end there rather than at a whole
  // decade, so the lines use the chart's height.
  function steps(v) {
    var decade = 10 ** Math.floor(Math.log10(v));
    return [decade / 2, decade, decade * 2, decade * 5, decade * 10];
  }
  function stepBelow(v) {
    return steps(v)
      .filter(function (s) {
        return s <= v * (1 + 1e-9);
      })
      .pop();
  }
  function stepAbove(v) {
    return steps(v).filter(function (s) {
      return s >= v * (1 - 1e-9);
    })[0];
  }

  function drawPressure(series) {
    series.forEach(function (s, i) {
      var el = document.getElementById('store-pressure-' + i);
      if (!el) return;
      var c = colors[s.contender] || fg;
      new Chart(el, {
        type: 'line',
        data: {
          datasets: [
            {
              label: 'write-backs pending',
              data: s.t.map(function (t, k) {
                return { x: t, y: s.writesPending[k] };
              }),
              borderColor: c,
              backgroundColor: c,
              borderWidth: 2,
              pointRadius: 2,
              yAxisID: 'y',
            },
            {
              label: 'database reads/s',
              data: s.t.map(function (t, k) {
                return { x: t, y: s.readsPerSecond[k] };
              }),
              borderColor: muted,
              backgroundColor: muted,
              borderWidth: 1,
              borderDash: [4, 3],
              pointRadius: 0,
              yAxisID: 'reads',
            },
          ],
        },
        options: {
          parsing: false,
          scales: {
            x: window.readstateTimeAxis(),
            y: { beginAtZero: true, title: { display: true, text: 'write-backs pending' } },
            reads: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'reads/s' } },
          },
          plugins: { title: { display: true, text: s.contender + ' (repetition ' + s.repetition + ')', color: fg } },
        },
      });
    });
  }

  function drawTradeoff(t) {
    var xs = t.capacities;
    if (xs.length === 0) return;
    // One x axis for the three charts: the same bounds and the same width reserved for the y
    // labels, so that a capacity sits at the same horizontal position in each.
    var x = function (titled) {
      return {
        type: 'logarithmic',
        min: xs[0] / 1.25,
        max: xs[xs.length - 1] * 1.25,
        title: { display: titled, text: 'cached read states (log scale)' },
        ticks: {
          callback: function (v) {
            return xs.indexOf(v) >= 0 ? fmtCount(v) : '';
          },
        },
        afterBuildTicks: function (axis) {
          axis.ticks = xs.map(function (v) {
            return { value: v };
          });
        },
      };
    };
    // Room for the widest y labels ("50.0 ms") beside the axis title; at 72 px the title ran
    // into the labels in the middle of the latency axis.
    var yWidth = function (axis) {
      axis.width = 88;
    };
    function lines(key, dash, width) {
      return t.series.map(function (s) {
        var c = colors[s.contender] || fg;
        return {
          // The p99 line carries the contender's name alone: it is the legend's entry.
          label: key.label === 'p99' ? s.contender : s.contender + ' ' + key.label,
          data: finite(
            s.points.map(function (p) {
              return { x: p.capacity, y: p[key.field] };
            }),
          ),
          borderColor: c,
          backgroundColor: c,
          borderDash: dash,
          borderWidth: width,
          pointRadius: 3,
        };
      });
    }
    var latency = [].concat(
      lines({ label: 'p99', field: 'p99Ms' }, [], 2.5),
      lines({ label: 'p99.9', field: 'p999Ms' }, [6, 3], 1.5),
      lines({ label: 'max', field: 'maxMs' }, [2, 3], 1.5),
      // Legend entries for the three dashes, with no data of their own.
      [
        ['p99', []],
        ['p99.9', [6, 3]],
        ['max', [2, 3]],
      ].map(function (style) {
        return { label: style[0], data: [], borderColor: muted, backgroundColor: 'transparent', borderDash: style[1], borderWidth: 1.5, pointRadius: 0 };
      }),
    );
    var all = [];
    latency.forEach(function (d) {
      d.data.forEach(function (p) {
        all.push(p.y);
      });
    });
    var yMin = all.length ? stepBelow(Math.min.apply(null, all)) : 0.01;
    var yMax = all.length ? stepAbove(Math.max.apply(null, all)) : 1000;
    // One legend entry per contender (its p99 line), then one per dash, each drawn as a line.
    var legend = {
      labels: {
        usePointStyle: true,
        pointStyle: 'line',
        pointStyleWidth: 32,
        filter: function (item) {
          return !/ (p99\.9|max)$/.test(item.text);
        },
      },
    };
    new Chart(document.getElementById('tradeoff-latency'), {
      type: 'line',
      data: { datasets: latency },
      options: {
        parsing: false,
        scales: {
          x: x(false),
          y: {
            type: 'logarithmic',
            min: yMin,
            max: yMax,
            afterFit: yWidth,
            title: { display: true, text: 'latency (log scale)' },
            ticks: { callback: decadeTicks(fmtMs) },
            afterBuildTicks: function (axis) {
              var ticks = [];
              var v = yMin;
              while (v <= yMax * (1 + 1e-9)) {
                ticks.push({ value: v });
                v = stepAbove(v * 1.01);
              }
              axis.ticks = ticks;
            },
          },
        },
        plugins: { legend: legend, title: { display: true, text: 'Tail latency against cache size', color: fg } },
      },
    });
    new Chart(document.getElementById('tradeoff-misses'), {
      type: 'line',
      data: { datasets: lines({ label: 'miss rate', field: 'missPercent' }, [], 2) },
      options: {
        parsing: false,
        scales: {
          x: x(false),
          y: { beginAtZero: true, afterFit: yWidth, title: { display: true, text: 'miss rate (%)' } },
        },
        plugins: { legend: { display: false } },
      },
    });
    new Chart(document.getElementById('tradeoff-reads'), {
      type: 'line',
      data: { datasets: lines({ label: 'reads/s', field: 'readsPerSecond' }, [], 2) },
      options: {
        parsing: false,
        scales: {
          x: x(true),
          y: { beginAtZero: true, afterFit: yWidth, title: { display: true, text: 'database reads/s' } },
        },
        plugins: { legend: { display: false } },
      },
    });
  }

  if (model.kind === 'run' && model.storePressure) drawPressure(model.storePressure);
  if (model.kind === 'sweep' && model.tradeoff) drawTradeoff(model.tradeoff);
  document.documentElement.setAttribute('data-store-latency-drawn', 'true');
})();
