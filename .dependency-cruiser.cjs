/**
 * The lab's layering, checked in `npm test` (npm run lint:deps). Stages import only downward,
 * in the order data flows (see "Layout" in README.md):
 *
 *   cli -> experiment -> run, drive ; cli -> serve -> service -> store ; run, drive -> measure, check -> results
 *   report, gate -> results                      ; everything -> implementations/contract, errors, tuning
 *   cli, store -> cassandra (the lab's database: starting it, finding it)
 *
 * `serve` puts one contender behind HTTP; `drive` starts services and loads them over HTTP.
 * They meet only through the HTTP API, never through an import.
 *
 * Each rule names a stage and the stages it must not import.
 */
const stage = (name) => `^harness/${name}/`;
const never = (name, from, to, comment, fromNot) => ({
  name,
  comment,
  severity: 'error',
  from: fromNot === undefined ? { path: from } : { path: from, pathNot: fromNot },
  to: { path: to },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'An import cycle hides which stage comes first.', from: {}, to: { circular: true } },
    never('implementations-stand-alone', '^implementations/', '^harness/', 'Contenders obey the contract; they know nothing of the harness.'),
    never('nothing-imports-the-cli', '^(harness|implementations)/', stage('cli'), 'The CLI is the top: only it reads flags and prints.', stage('cli')),
    never(
      'nothing-below-imports-the-experiment',
      '^(harness|implementations)/',
      stage('experiment'),
      'The experiment (a plan in, results out) is driven by the CLI alone; the stages it runs know nothing of it.',
      `${stage('(cli|experiment)')}`,
    ),
    never(
      'experiment-below-cli',
      stage('experiment'),
      `${stage('(cli|serve|service|store|gate)')}`,
      'The experiment runs rows (run, drive), probes (measure) and writes results (results, report writers); it reads no flag and prints nothing.',
    ),
    never(
      'results-read-only-below',
      stage('results'),
      `${stage('(workload|run|measure|check|service|serve|drive|report|gate|cli)')}`,
      'The schema depends on nothing above it.',
    ),
    never(
      'report-reads-results',
      stage('report'),
      `${stage('(workload|run|measure|check|service|store|serve|drive|gate|cli)')}|^implementations/(?!contract)`,
      'A report renders results; it never loads a contender.',
    ),
    never(
      'gate-reads-results',
      stage('gate'),
      `${stage('(workload|run|measure|check|service|store|serve|drive|cli)')}|^implementations/`,
      'A gate judges results only.',
    ),
    never(
      'store-below-service',
      stage('store'),
      `${stage('(workload|run|measure|check|service|serve|drive|report|gate)')}`,
      'The store knows states, not requests; it may read the file schemas (results/), the bottom layer.',
    ),
    never(
      'workload-is-data',
      stage('workload'),
      `${stage('(run|measure|check|service|store|serve|drive|report|gate)')}`,
      'A workload is made before anything runs.',
    ),
    never('measure-below-run', stage('measure'), `${stage('(run|check|service|store|serve|drive|report|gate)')}`, 'Recorders do not know what they record.'),
    never(
      'check-below-run',
      stage('check'),
      `${stage('(run|measure|service|store|serve|drive|report|gate)')}`,
      'The nothing-lost check compares states; it runs nothing.',
    ),
    never(
      'service-below-run',
      stage('service'),
      `${stage('(run|check|serve|drive|report|gate)')}`,
      'A service turns requests into cache operations; it does not drive load.',
    ),
    never(
      'runtimes-know-only-how-to-start',
      stage('runtimes'),
      `${stage('(cli|workload|run|service|store|measure|check|serve|drive|results|report|gate)')}|^implementations/`,
      'A runtime says where a child starts and with which flags; it knows nothing of what the child does.',
    ),
    never(
      'cassandra-starts-a-database',
      stage('cassandra'),
      `${stage('(cli|experiment|workload|run|service|serve|store|measure|check|drive|results|report|gate)')}|^implementations/`,
      "The lab's Cassandra is started by the CLI and found by the stores; it knows nothing of what they do with it.",
    ),
    never('run-and-http-apart', stage('run'), `${stage('(serve|drive|report|gate)')}`, 'The in-process run and the HTTP side are siblings.'),
    never('serve-knows-no-driver', stage('serve'), `${stage('(run|drive|report|gate)')}`, 'A served contender answers requests; it never drives them.'),
    never(
      'drive-knows-no-server',
      stage('drive'),
      `${stage('(run|serve|service|report|gate)')}`,
      'The driver knows services only through HTTP, so it treats Go, Rust and Node alike.',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
    exclude: { path: '^(dist|build|reports|references|test)/' },
  },
};
