import { Type } from '@sinclair/typebox';
import { Count, Figure, Nullable, OneOf } from './figures.js';
import { FORCED_GC_MODES, JVM_COLLECTORS, JVM_PAUSE_KINDS } from './plain-values.js';

/**
 * What one child measured, raw, as results files hold it: harness/results/schema.ts documents
 * every field (RowMeasurement and the types it holds), and schemas/same-as-interfaces.ts proves
 * these schemas and those types say the same.
 */

const Ms = Figure;
const Text = Type.String();

export const SendLag = Type.Object({ p50Ms: Ms, p99Ms: Ms, p999Ms: Ms, maxMs: Ms, meanMs: Ms });

export const DriveOutcome = Type.Object({
  targetRate: Type.Number({ minimum: 0 }),
  achievedRate: Type.Number({ minimum: 0 }),
  sent: Count,
  completed: Count,
  notSent: Figure,
  saturated: Type.Boolean(),
  maxSendLagMs: Ms,
  elapsedMs: Ms,
  sendLag: Type.Optional(SendLag),
});

const ByType = Type.Object({ message: Text, ack: Text, open: Text, reconnect: Text });

export const EncodedLatencies = Type.Object({
  unit: Type.Literal('ns'),
  overall: Text,
  byType: ByType,
  windows: Type.Array(Text),
  windowMs: Figure,
  byOutcome: Type.Optional(Type.Object({ hit: Text, miss: Text })),
});

export const GcEvent = Type.Object({
  startMs: Ms,
  durationMs: Ms,
  kind: OneOf(['minor', 'major', 'incremental', 'weakcb', 'unknown'] as const),
  forced: Type.Boolean(),
  thread: Text,
});

export const GcCycle = Type.Object({
  startMs: Ms,
  durationMs: Ms,
  pauseMs: Ms,
  cpuMs: Type.Optional(Ms),
  forced: Type.Boolean(),
  thread: Text,
  source: OneOf(['forced-call', 'incremental-marking', 'atomic-pause', 'gctrace'] as const),
});

export const ForcedGc = Type.Object({ startMs: Ms, durationMs: Ms, mode: OneOf(FORCED_GC_MODES), timedOut: Type.Optional(Type.Boolean()) });

export const WindowSample = Type.Object({
  atMs: Ms,
  heapUsedBytes: Figure,
  heapTotalBytes: Figure,
  rssBytes: Figure,
  externalBytes: Figure,
  cacheOffHeapBytes: Figure,
  cpuPercent: Figure,
  eventLoopDelayMaxMs: Ms,
  eventLoopDelayP99Ms: Ms,
  completed: Figure,
  misses: Figure,
  storeWritesPending: Type.Optional(Figure),
  gcCpuPercent: Type.Optional(Figure),
});

export const MemoryFigures = Type.Object({
  cachedStates: Figure,
  bytesPerEntry: Figure,
  heapBytes: Figure,
  arrayBufferBytes: Figure,
  offHeapBytes: Figure,
  fullGcPauseMs: Ms,
});

export const ServiceCounters = Type.Object({
  hits: Figure,
  misses: Figure,
  evictions: Figure,
  writeBacks: Figure,
  persisted: Type.Optional(Figure),
  cacheSize: Figure,
});

const Expected = Type.Tuple([Type.Number(), Type.Number()]);

export const Mismatch = Type.Object({
  userId: Type.Number(),
  channelId: Type.Number(),
  expected: Expected,
  found: Nullable(Expected),
  where: OneOf(['cache', 'store', 'not in store', 'nowhere', 'stale store'] as const),
});

export const IntegrityResult = Type.Object({
  ok: Type.Boolean(),
  statesChecked: Figure,
  mismatchCount: Figure,
  lostCount: Type.Optional(Figure),
  mismatches: Type.Array(Mismatch),
  note: Type.Optional(Text),
});

export const AllocationFigures = Type.Object({
  bytes: Figure,
  requests: Figure,
  bytesPerRequest: Figure,
  scavenges: Figure,
  scavengesPer100k: Figure,
  majorGcs: Figure,
  misses: Type.Optional(Figure),
  bytesPerMiss: Type.Optional(Figure),
});

export const StallRecording = Type.Object({
  tickMs: Ms,
  thresholdMs: Ms,
  lateness: Text,
  windowMs: Ms,
  windowMaxMs: Type.Array(Ms),
  stalls: Type.Array(Type.Object({ startMs: Ms, durationMs: Ms })),
  droppedStalls: Type.Optional(Figure),
});

export const StoreGcPause = Type.Object({ startMs: Ms, durationMs: Ms, kind: OneOf(JVM_PAUSE_KINDS), name: Text });
export const StoreGcCycle = Type.Object({ startMs: Ms, durationMs: Ms, name: Text });
export const StoreGcNode = Type.Object({
  address: Text,
  collector: OneOf(JVM_COLLECTORS),
  pauses: Type.Array(StoreGcPause),
  cycles: Type.Array(StoreGcCycle),
});
export const StoreGc = Type.Object({ nodes: Type.Array(StoreGcNode) });

export const RowMeasurement = Type.Object({
  drive: DriveOutcome,
  latency: EncodedLatencies,
  gcEvents: Type.Array(GcEvent),
  forcedGcs: Type.Array(ForcedGc),
  windows: Type.Array(WindowSample),
  memory: MemoryFigures,
  counters: ServiceCounters,
  integrity: IntegrityResult,
  timingsMs: Type.Object({ generate: Ms, warm: Ms, check: Ms }),
  allocation: Type.Optional(AllocationFigures),
  stalls: Type.Optional(StallRecording),
  runtimeVersion: Type.Optional(Text),
  serviceNotes: Type.Optional(Type.Array(Text)),
  collectsGarbage: Type.Optional(Type.Boolean()),
  gcCycles: Type.Optional(Type.Array(GcCycle)),
  gcCpuSource: Type.Optional(Text),
  storeGc: Type.Optional(StoreGc),
});
