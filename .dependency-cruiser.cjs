/**
 * The lab's layering, checked in `npm test` (npm run lint:deps). Stages import only downward,
 * in the order data flows (see "Layout" in README.md):
 *
 *   cli -> run, http -> service -> store ; run -> measure, check -> results -> store types
 *   report, gate -> results            ; everything -> implementations/contract, errors, tuning
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
      'results-read-only-below',
      stage('results'),
      `${stage('(workload|run|measure|check|service|http|report|gate|cli)')}`,
      'The schema depends on nothing above it.',
    ),
    never(
      'report-reads-results',
      stage('report'),
      `${stage('(workload|run|measure|check|service|store|http|gate|cli)')}|^implementations/(?!contract)`,
      'A report renders results; it never loads a contender.',
    ),
    never(
      'gate-reads-results',
      stage('gate'),
      `${stage('(workload|run|measure|check|service|store|http|cli)')}|^implementations/`,
      'A gate judges results only.',
    ),
    never(
      'store-below-service',
      stage('store'),
      `${stage('(workload|run|measure|check|service|http|report|gate|results)')}`,
      'The store knows states, not requests.',
    ),
    never('workload-is-data', stage('workload'), `${stage('(run|measure|check|service|store|http|report|gate)')}`, 'A workload is made before anything runs.'),
    never('measure-below-run', stage('measure'), `${stage('(run|check|service|store|http|report|gate)')}`, 'Recorders do not know what they record.'),
    never(
      'check-below-run',
      stage('check'),
      `${stage('(run|measure|service|store|http|report|gate)')}`,
      'The nothing-lost check compares states; it runs nothing.',
    ),
    never(
      'service-below-run',
      stage('service'),
      `${stage('(run|check|http|report|gate)')}`,
      'A service turns requests into cache operations; it does not drive load.',
    ),
    never(
      'runtimes-know-only-how-to-start',
      stage('runtimes'),
      `${stage('(cli|workload|run|service|store|measure|check|http|results|report|gate)')}|^implementations/`,
      'A runtime says where a child starts and with which flags; it knows nothing of what the child does.',
    ),
    never('run-and-http-apart', stage('run'), `${stage('(http|report|gate)')}`, 'The in-process run and the HTTP service are siblings.'),
    never('http-and-run-apart', stage('http'), `${stage('(run|report|gate)')}`, 'The in-process run and the HTTP service are siblings.'),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
    exclude: { path: '^(dist|build|reports|references|test)/' },
  },
};
