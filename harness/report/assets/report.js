// @ts-check
// Draws the report's charts from the JSON in #report-data. Everything is computed in Node;
// this script only turns it into chart.js charts. Runs offline: chart.js is inlined above.
(function () {
  /** @type {import('./report-model.js').AnyReportModel} */
  var model = JSON.parse(document.getElementById('report-data').textContent);
  var style = getComputedStyle(document.documentElement);
  function cssVar(name) {
    return style.getPropertyValue(name).trim();
  }
  var fg = cssVar('--fg');
  var muted = cssVar('--muted');
  var line = cssVar('--line');
  // GC mark colours follow the colour scheme (set from harness/report/colors.ts in html.ts).
  var GC = {
    forced: cssVar('--gc-forced'),
    forcedBand: cssVar('--gc-forced-band'),
    major: cssVar('--gc-major'),
    minor: cssVar('--gc-minor'),
    store: cssVar('--gc-store'),
  };
  Chart.defaults.color = muted;
  Chart.defaults.borderColor = line;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  // Legend swatches are short lines drawn with each dataset's own dash and width, so a dashed
  // series shows a dashed line, not a box with a dashed border.
  Chart.defaults.plugins.legend.labels.usePointStyle = true;
  Chart.defaults.plugins.legend.labels.pointStyle = 'line';
  Chart.defaults.plugins.legend.labels.pointStyleWidth = 26;
  Chart.defaults.plugins.legend.labels.boxHeight = 8;
  // With point styles chart.js takes a legend item's style from the dataset's points, which have
  // no dash: give each item its dataset's line dash and width.
  var generateLabels = Chart.defaults.plugins.legend.labels.generateLabels;
  Chart.defaults.plugins.legend.labels.generateLabels = function (chart) {
    return generateLabels(chart).map(function (item) {
      var dataset = chart.data.datasets[item.datasetIndex];
      if (dataset?.borderDash) item.lineDash = dataset.borderDash;
      if (dataset?.borderWidth) item.lineWidth = dataset.borderWidth;
      return item;
    });
  };

  var colors = {};
  (model.contenders || []).forEach(function (c) {
    colors[c.name] = c.color;
  });

  function canvas(id) {
    return document.getElementById(id);
  }
  function fmtMs(ms) {
    if (!Number.isFinite(ms)) return '-';
    if (ms < 1) return Number((ms * 1000).toPrecision(3)) + ' µs';
    if (ms < 1000) return Number(ms.toPrecision(3)) + ' ms';
    return Number((ms / 1000).toPrecision(3)) + ' s';
  }
  // 1,500 -> "1.5k", 8,000,000 -> "8M": axis labels that fit side by side.
  function fmtCompact(v) {
    /** @type {Array<[number, string]>} */
    var units = [
      [1e9, 'G'],
      [1e6, 'M'],
      [1e3, 'k'],
    ];
    var unit = units.find(function (u) {
      return Math.abs(v) >= u[0];
    });
    return unit ? Number((v / unit[0]).toPrecision(3)) + unit[1] : String(Number(v.toPrecision(3)));
  }
  function finite(values) {
    return values.filter(function (v) {
      return typeof v === 'number' && Number.isFinite(v) && v > 0;
    });
  }
  // The mantissa of v on a 1-2-5 scale (1, 2 or 5), or 0 when v is not such a value.
  function oneTwoFive(v) {
    var e = Math.floor(Math.log10(v) + 1e-9);
    var m = v / 10 ** e;
    var found = 0;
    [1, 2, 5, 10].forEach(function (s) {
      if (Math.abs(m - s) < 1e-6 * s) found = s === 10 ? 1 : s;
    });
    return found;
  }
  // Bounds around the data on labelled values (see logTicks), so the tallest bar or highest
  // point never passes the last label: powers of ten when the data span more than two decades,
  // else 1-2-5 steps.
  function niceLogBounds(values) {
    var data = finite(values);
    if (data.length === 0) return { min: 1, max: 10 };
    var lo = Math.min.apply(null, data);
    var hi = Math.max.apply(null, data);
    var wholeDecades = Math.log10(hi / lo) > 2;
    var down = function (v) {
      var decade = 10 ** Math.floor(Math.log10(v));
      var step = (wholeDecades ? [1] : [5, 2, 1]).find(function (s) {
        return s * decade <= v * (1 + 1e-9);
      });
      return (step || 1) * decade;
    };
    var up = function (v) {
      var decade = 10 ** Math.floor(Math.log10(v));
      var step = (wholeDecades ? [1, 10] : [1, 2, 5, 10]).find(function (s) {
        return s * decade >= v * (1 - 1e-9);
      });
      return (step || 10) * decade;
    };
    var min = down(lo);
    var max = up(hi);
    if (max <= min) max = up(min * 1.01);
    return { min: min, max: max };
  }
  // Labels for a log axis: every power of ten, and 2 and 5 between them when the axis spans
  // few decades, so an axis whose values stay within one decade still has numbers.
  function logTicks(format) {
    return {
      autoSkip: false,
      callback: function (v) {
        var decades = Math.log10(this.max / this.min);
        var m = oneTwoFive(v);
        if (m === 1 || (decades <= 3.01 && m !== 0)) return format(v);
        return '';
      },
    };
  }
  // Grid lines only at labelled ticks: nine lines a decade read as a grey smear.
  var labelledGrid = {
    color: function (context) {
      return context.tick && context.tick.label !== '' ? line : 'transparent';
    },
  };
  function logLatencyAxis(title, bounds) {
    return {
      type: 'logarithmic',
      min: bounds?.min,
      max: bounds?.max,
      title: { display: true, text: title },
      grid: labelledGrid,
      ticks: logTicks(fmtMs),
    };
  }
  // Points of a series: a missing value (JSON null) leaves a gap; on a log axis a zero is drawn
  // at the floor, which is below anything measured.
  function xy(xs, ys, floor) {
    return xs.map(function (x, i) {
      var y = ys[i];
      if (typeof y !== 'number' || !Number.isFinite(y)) return { x: x, y: null };
      return { x: x, y: floor === undefined ? y : Math.max(y, floor) };
    });
  }
  function hasData(values) {
    return values.some(function (v) {
      return typeof v === 'number' && Number.isFinite(v);
    });
  }
  // A step of 1, 2 or 5 times a power of ten that cuts the span into at most about `count` (8) ticks.
  function niceStep(span, count) {
    var raw = span / (count || 8);
    var decade = 10 ** Math.floor(Math.log10(raw));
    var step = [1, 2, 5, 10].find(function (s) {
      return s * decade >= raw;
    });
    return step * decade;
  }

  // The GC strip: its own band below each latency-over-time chart, so that GC marks never cover
  // the data (scavenge ticks used to hide a p50 of 1-2 µs at the bottom of the log axis).
  // A forced GC's band spans its whole cycle (Go's forced cycle is hundreds of times its pause),
  // across the plot and light in the strip, with its pauses solid inside; a forced pause with no
  // recorded cycle (older results) is a band as long as the pause. Major GCs the runtime chose:
  // orange ticks, also dashed lines across the plot, their cycle light behind the tick where the
  // runtime told it; scavenges: grey ticks in the strip only. The database's collector (a
  // Cassandra node's JVM) gets a lane of its own per node under those three, labelled with the
  // node, its pauses as ticks and its concurrent cycles light: never mistaken for the service's.
  function pixelSpan(chart, t, ms) {
    var x = chart.scales.x;
    var area = chart.chartArea;
    var left = x.getPixelForValue(t);
    var right = x.getPixelForValue(t + ms / 1000);
    if (right < area.left || left > area.right) return null;
    left = Math.max(left, area.left);
    right = Math.min(right, area.right);
    return { left: left, width: Math.max(2, right - left) };
  }
  function isForced(cycle) {
    return cycle.forced;
  }
  function insideAny(gc, cycles) {
    return cycles.some(function (cycle) {
      return gc.t >= cycle.t - 0.001 && gc.t <= cycle.t + cycle.ms / 1000 + 0.001;
    });
  }
  var gcMarks = {
    id: 'gcMarks',
    beforeDatasetsDraw: function (chart, _args, options) {
      var events = options.events || [];
      var cycles = options.cycles || [];
      var forcedCycles = cycles.filter(isForced);
      var plot = chart.scales.y;
      var strip = chart.scales.gc;
      var ctx = chart.ctx;
      var c = options.colors;
      ctx.save();
      ctx.strokeStyle = line;
      ctx.beginPath();
      ctx.moveTo(chart.chartArea.left, strip.top + 0.5);
      ctx.lineTo(chart.chartArea.right, strip.top + 0.5);
      ctx.stroke();
      var store = options.store || [];
      var lane = (strip.bottom - strip.top) / (3 + store.length);
      forcedCycles.forEach(function (cycle) {
        var span = pixelSpan(chart, cycle.t, cycle.ms);
        if (!span) return;
        ctx.fillStyle = c.forcedBand;
        ctx.fillRect(span.left, plot.top, span.width, plot.bottom - plot.top);
        ctx.fillRect(span.left, strip.top + 2, span.width, lane - 3);
      });
      cycles.forEach(function (cycle) {
        var span = cycle.forced ? null : pixelSpan(chart, cycle.t, cycle.ms);
        if (!span) return;
        ctx.globalAlpha = 0.3;
        ctx.fillStyle = c.major;
        ctx.fillRect(span.left, strip.top + lane + 1, span.width, lane - 2);
        ctx.globalAlpha = 1;
      });
      events.forEach(function (gc) {
        var span = pixelSpan(chart, gc.t, gc.ms);
        if (!span) return;
        var left = span.left;
        if (gc.forced) {
          if (insideAny(gc, forcedCycles)) {
            // The pause inside its cycle's band: a solid line across the plot.
            ctx.fillStyle = c.forced;
            ctx.fillRect(left, plot.top, Math.min(span.width, 2), plot.bottom - plot.top);
          } else {
            ctx.fillStyle = c.forcedBand;
            ctx.fillRect(left, plot.top, span.width, plot.bottom - plot.top);
          }
          ctx.fillStyle = c.forced;
          ctx.fillRect(left, strip.top + 2, span.width, lane - 3);
        } else if (gc.kind === 'major' || gc.kind === 'incremental') {
          ctx.strokeStyle = c.major;
          ctx.lineWidth = 1.5;
          ctx.setLineDash([4, 3]);
          ctx.beginPath();
          ctx.moveTo(left, plot.top);
          ctx.lineTo(left, plot.bottom);
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.beginPath();
          ctx.moveTo(left, strip.top + lane + 1);
          ctx.lineTo(left, strip.top + 2 * lane - 1);
          ctx.stroke();
        } else {
          ctx.strokeStyle = c.minor;
          ctx.lineWidth = 1;
          ctx.beginPath();
          ctx.moveTo(left, strip.top + 2 * lane + 1);
          ctx.lineTo(left, strip.top + 3 * lane - 1);
          ctx.stroke();
        }
      });
      store.forEach(function (node, i) {
        drawStoreLane(chart, node, strip.top + (3 + i) * lane, lane, c.store);
      });
      ctx.restore();
    },
  };
  // One node's lane: a rule above it, its label in small type at the left, its cycles light and
  // its pauses solid on top, so a tick stays visible where it crosses the label.
  function drawStoreLane(chart, node, top, height, color) {
    var ctx = chart.ctx;
    var area = chart.chartArea;
    ctx.strokeStyle = line;
    ctx.lineWidth = 1;
    ctx.setLineDash([2, 2]);
    ctx.beginPath();
    ctx.moveTo(area.left, top + 0.5);
    ctx.lineTo(area.right, top + 0.5);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = muted;
    ctx.font = Math.max(8, Math.min(11, Math.floor(height - 1))) + 'px ' + Chart.defaults.font.family;
    ctx.textBaseline = 'middle';
    ctx.fillText(node.label, area.left + 4, top + height / 2 + 0.5);
    node.cycles.forEach(function (cycle) {
      var span = pixelSpan(chart, cycle.t, cycle.ms);
      if (!span) return;
      ctx.globalAlpha = 0.25;
      ctx.fillStyle = color;
      ctx.fillRect(span.left, top + 1, span.width, height - 2);
      ctx.globalAlpha = 1;
    });
    ctx.fillStyle = color;
    node.pauses.forEach(function (pause) {
      var span = pixelSpan(chart, pause.t, pause.ms);
      if (span) ctx.fillRect(span.left, top + 1, span.width, height - 2);
    });
  }
  // The forced cycles again behind the CPU chart under the latency chart, so that the collector's
  // CPU reads against the same bands.
  var cycleBands = {
    id: 'cycleBands',
    beforeDatasetsDraw: function (chart, _args, options) {
      var plot = chart.scales.y;
      var ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = options.colors.forcedBand;
      (options.cycles || []).filter(isForced).forEach(function (cycle) {
        var span = pixelSpan(chart, cycle.t, cycle.ms);
        if (span) ctx.fillRect(span.left, plot.top, span.width, plot.bottom - plot.top);
      });
      ctx.restore();
    },
  };
  // The latency chart and the CPU chart under it share one left axis width, so that a second
  // sits at the same pixel in both.
  var LEFT_AXIS_WIDTH = 64;
  function fixedWidth(scale) {
    scale.width = LEFT_AXIS_WIDTH;
  }

  // Time axes: every chart over time of one report spans the same seconds with the same step,
  // so that charts compare by eye.
  function sharedTimeAxis() {
    var end = 0;
    (model.overTime || []).forEach(function (s) {
      s.t.forEach(function (t) {
        end = Math.max(end, t);
      });
      s.gc.forEach(function (gc) {
        end = Math.max(end, gc.t + gc.ms / 1000);
      });
      (s.cycles || []).forEach(function (cycle) {
        end = Math.max(end, cycle.t + cycle.ms / 1000);
      });
    });
    (model.resources || []).forEach(function (s) {
      s.t.forEach(function (t) {
        end = Math.max(end, t);
      });
    });
    if (!(end > 0)) end = 1;
    var step = niceStep(end);
    return { min: 0, max: Math.ceil(end / step - 1e-9) * step, step: step };
  }
  function timeAxis(time) {
    return {
      type: 'linear',
      min: time.min,
      max: time.max,
      title: { display: true, text: 'seconds' },
      ticks: { stepSize: time.step, autoSkip: false, callback: fmtCompact },
    };
  }

  // Under each latency chart, Discord's two curves per window: the process's CPU and its
  // collector's, as shares of one core; a program without a collector shows its CPU alone.
  function cpuChart(id, s, color, time, cpuAxis) {
    var cpu = s.cpu;
    var datasets = [
      {
        label: cpu.gc === 'no-gc' ? 'process CPU (no GC)' : cpu.gc === 'measured' ? 'process CPU' : 'process CPU (GC CPU not measured)',
        data: xy(cpu.t, cpu.processPercent),
        borderColor: color,
        backgroundColor: color,
        borderWidth: 1.5,
        pointRadius: 0,
        stepped: 'before',
      },
    ];
    if (cpu.gc === 'measured') {
      datasets.push({
        label: 'GC CPU',
        data: xy(cpu.t, cpu.gcPercent),
        borderColor: GC.forced,
        backgroundColor: GC.forcedBand,
        fill: 'origin',
        borderWidth: 1.5,
        pointRadius: 0,
        stepped: 'before',
      });
    }
    new Chart(canvas(id), {
      type: 'line',
      data: { datasets: datasets },
      options: {
        parsing: false,
        scales: {
          x: timeAxis(time),
          y: {
            min: 0,
            max: cpuAxis.max,
            title: { display: true, text: 'CPU % of a core' },
            ticks: { stepSize: cpuAxis.step, callback: fmtCompact },
            afterFit: fixedWidth,
          },
        },
        plugins: { cycleBands: { cycles: s.cycles || [], colors: GC } },
      },
      plugins: [cycleBands],
    });
  }

  function drawRun() {
    var time = sharedTimeAxis();
    // One chart per contender, all on the same log axis, so that their spikes compare by eye
    // and each contender's own GC events can be marked without mixing them up.
    var all = [];
    model.overTime.forEach(function (s) {
      all = all.concat(s.p50, s.p99, s.max);
    });
    var latencyBounds = niceLogBounds(all);
    // Every CPU chart on one scale, as the latency charts: a share of one core.
    var cpuValues = [];
    model.overTime.forEach(function (s) {
      if (s.cpu) cpuValues = cpuValues.concat(finite(s.cpu.processPercent), finite(s.cpu.gcPercent));
    });
    var cpuPeak = cpuValues.length === 0 ? 100 : Math.max.apply(null, cpuValues);
    var cpuStep = niceStep(cpuPeak, 3);
    var cpuAxis = { max: Math.ceil(cpuPeak / cpuStep - 1e-9) * cpuStep, step: cpuStep };
    model.overTime.forEach(function (s, i) {
      var c = colors[s.contender];
      new Chart(canvas('latency-' + i), {
        type: 'line',
        data: {
          datasets: [
            { label: 'max', yAxisID: 'y', data: xy(s.t, s.max, latencyBounds.min), borderColor: c, backgroundColor: c, borderWidth: 2, pointRadius: 0 },
            {
              label: 'p99',
              yAxisID: 'y',
              data: xy(s.t, s.p99, latencyBounds.min),
              borderColor: c,
              backgroundColor: c,
              borderWidth: 1.5,
              borderDash: [6, 3],
              pointRadius: 0,
            },
            {
              label: 'p50',
              yAxisID: 'y',
              data: xy(s.t, s.p50, latencyBounds.min),
              borderColor: c,
              backgroundColor: c,
              borderWidth: 1.5,
              borderDash: [1.5, 2.5],
              pointRadius: 0,
            },
          ],
        },
        options: {
          parsing: false,
          scales: {
            // The CPU chart under it names the seconds (html.ts places one under every latency chart).
            x: Object.assign(timeAxis(time), { title: { display: !canvas('gc-cpu-' + i), text: 'seconds' } }),
            gc: {
              type: 'linear',
              min: 0,
              max: 1,
              stack: 'time',
              // Half as much again for each of the database's lanes, so its label stays legible.
              stackWeight: 1 + (s.storeGc || []).length / 2,
              offset: true,
              position: 'left',
              grid: { drawOnChartArea: false, display: false },
              ticks: { display: false },
              title: { display: true, text: 'GC', padding: { top: 0, bottom: 0 } },
              afterFit: fixedWidth,
            },
            y: Object.assign(logLatencyAxis('latency', latencyBounds), { stack: 'time', stackWeight: 6, afterFit: fixedWidth }),
          },
          plugins: {
            gcMarks: { events: s.gc, cycles: s.cycles || [], store: s.storeGc || [], colors: GC },
            title: { display: true, text: s.contender + ' (repetition ' + s.repetition + ')', color: fg },
          },
        },
        plugins: [gcMarks],
      });
      if (s.cpu && canvas('gc-cpu-' + i)) cpuChart('gc-cpu-' + i, s, c, time, cpuAxis);
    });

    var ticks = { 2: '50%', 10: '90%', 100: '99%', 1000: '99.9%', 10000: '99.99%', 100000: '99.999%', 1000000: 'max' };
    function spectrumChart(id, series, bounds) {
      new Chart(canvas(id), {
        type: 'line',
        data: {
          datasets: series.map(function (s) {
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
                autoSkip: false,
                maxRotation: 0,
                // In a narrow chart 0% and 50% sit a few pixels apart: 0% goes.
                callback: function (v) {
                  if (v === 1) return this.chart.width < 600 ? '' : '0%';
                  return ticks[v] || '';
                },
              },
            },
            y: logLatencyAxis('latency', bounds),
          },
        },
      });
    }
    var spectrumValues = [];
    model.spectrum.forEach(function (s) {
      s.points.forEach(function (p) {
        spectrumValues.push(p.y);
      });
    });
    spectrumChart('spectrum', model.spectrum, niceLogBounds(spectrumValues));

    // Hit and miss side by side on one latency axis: what the GC costs (hits) read apart from
    // what the store costs (misses).
    var outcomes = model.byOutcome || [];
    var outcomeValues = [];
    outcomes.forEach(function (s) {
      s.points.forEach(function (p) {
        outcomeValues.push(p.y);
      });
    });
    var outcomeBounds = niceLogBounds(outcomeValues);
    ['hit', 'miss'].forEach(function (outcome) {
      if (!canvas('outcome-' + outcome)) return;
      spectrumChart(
        'outcome-' + outcome,
        outcomes.filter(function (s) {
          return s.outcome === outcome;
        }),
        outcomeBounds,
      );
    });

    var resources = [
      ['heap', 'heapMiB', 'heap used (MiB)'],
      ['rss', 'rssMiB', 'RSS (MiB)'],
      ['offheap', 'offHeapMiB', 'outside the V8 heap (MiB)'],
      ['cpu', 'cpuPercent', 'CPU (% of one core)'],
    ];
    resources.forEach(function (r) {
      // html.ts leaves out the canvas of a figure no series measured ("not measured").
      if (!canvas('resource-' + r[0])) return;
      new Chart(canvas('resource-' + r[0]), {
        type: 'line',
        data: {
          datasets: model.resources
            .filter(function (s) {
              return hasData(s[r[1]]);
            })
            .map(function (s) {
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
          scales: { x: timeAxis(time), y: { beginAtZero: true, title: { display: true, text: r[2] } } },
        },
      });
    });

    var counts = [];
    model.gc.rows.forEach(function (row) {
      counts = counts.concat(row.buckets);
    });
    var countBounds = niceLogBounds(counts);
    var countTicks = logTicks(fmtCompact);
    new Chart(canvas('gc-histogram'), {
      type: 'bar',
      data: {
        labels: model.gc.bucketLabels,
        datasets: model.gc.rows.map(function (row) {
          return { label: row.contender, data: row.buckets, backgroundColor: colors[row.contender] };
        }),
      },
      options: {
        plugins: { legend: { labels: { pointStyle: 'rect', pointStyleWidth: 12 } } },
        scales: {
          // Counts are whole numbers: labels at powers of ten only. The axis starts at 0.5 so
          // that a bucket holding one pause still shows a bar.
          y: {
            type: 'logarithmic',
            min: 0.5,
            max: Math.max(10, countBounds.max),
            title: { display: true, text: 'pauses' },
            grid: labelledGrid,
            ticks: {
              autoSkip: false,
              callback: function (v, i, all) {
                return v >= 1 ? countTicks.callback.call(this, v, i, all) : '';
              },
            },
          },
          x: { title: { display: true, text: 'pause length' } },
        },
      },
    });
  }

  function drawMicro() {
    var tasks = model.tasks;
    var values = [];
    model.rows.forEach(function (row) {
      values = values.concat(row.opsPerSecond);
    });
    var bounds = niceLogBounds(values);
    new Chart(canvas('micro-ops'), {
      type: 'bar',
      data: {
        labels: tasks,
        datasets: model.rows.map(function (row) {
          return { label: row.contender, data: row.opsPerSecond, backgroundColor: colors[row.contender] };
        }),
      },
      options: {
        plugins: { legend: { labels: { pointStyle: 'rect', pointStyleWidth: 12 } } },
        scales: {
          y: {
            type: 'logarithmic',
            min: bounds.min,
            max: bounds.max,
            title: { display: true, text: 'operations per second' },
            grid: labelledGrid,
            ticks: logTicks(fmtCompact),
          },
        },
      },
    });
  }

  function drawSweep() {
    var capacities = [];
    model.series.forEach(function (s) {
      s.points.forEach(function (p) {
        if (capacities.indexOf(p.capacity) < 0) capacities.push(p.capacity);
      });
    });
    capacities.sort(function (a, b) {
      return a - b;
    });
    var xBounds = capacities.length > 0 ? { min: capacities[0] / 1.15, max: capacities[capacities.length - 1] * 1.15 } : { min: 1, max: 10 };
    [
      ['sweep-pause', 'fullGcPauseMs', 'forced full GC pause'],
      ['sweep-p99', 'p99Ms', 'p99 latency'],
      ['sweep-max', 'maxMs', 'max latency'],
    ].forEach(function (m) {
      var values = [];
      model.series.forEach(function (s) {
        s.points.forEach(function (p) {
          values.push(p[m[1]]);
        });
      });
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
            // Ticks at the capacities measured, labelled compactly ("2M"), so they never overlap.
            x: {
              type: 'logarithmic',
              min: xBounds.min,
              max: xBounds.max,
              title: { display: true, text: 'cached read states' },
              afterBuildTicks: function (scale) {
                scale.ticks = capacities.map(function (v) {
                  return { value: v };
                });
              },
              ticks: { autoSkip: false, maxRotation: 0, callback: fmtCompact },
            },
            y: logLatencyAxis(m[2], niceLogBounds(values)),
          },
        },
      });
    });
  }

  // store-latency.js, loaded after this file, draws charts over time on the same axis.
  window.readstateTimeAxis = function () {
    return timeAxis(sharedTimeAxis());
  };

  if (model.kind === 'run') drawRun();
  else if (model.kind === 'micro') drawMicro();
  else if (model.kind === 'sweep') drawSweep();
  document.documentElement.setAttribute('data-charts-drawn', 'true');
})();
