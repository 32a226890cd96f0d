import { Type } from '@sinclair/typebox';
import { Figure, OneOf } from './figures.js';
import { SendLag } from './measurement.js';

/** The machine, the runtime and how busy they were, as every results file records them (harness/results/schema.ts documents each field). */

export const SERVICE_LEVEL_DRIVERS = ['open-loop', 'open-loop-compiled', 'closed-loop'] as const;
export const ServiceLevelDriver = OneOf(SERVICE_LEVEL_DRIVERS);

export const RulerFloor = Type.Union([
  Type.Object({
    state: Type.Literal('measured'),
    driver: ServiceLevelDriver,
    server: Type.String(),
    rate: Figure,
    completed: Figure,
    durationMs: Figure,
    latency: Type.Object({ p50Ms: Figure, p99Ms: Figure, p999Ms: Figure, maxMs: Figure }),
    sendLag: Type.Optional(SendLag),
  }),
  Type.Object({ state: Type.Literal('failed'), driver: ServiceLevelDriver, reason: Type.String() }),
]);

export const MachineFloor = Type.Object({
  probeMs: Figure,
  gapThresholdMs: Figure,
  gapsPerSecond: Figure,
  takenFraction: Figure,
  longestGapMs: Figure,
  zeroCostP99Ms: Figure,
  zeroCostP999Ms: Figure,
});

export const HostLoad = Type.Object({
  loadAverageMax: Figure,
  idleLoopDelayP99Ms: Figure,
  idleLoopDelayMaxMs: Figure,
  floor: Type.Optional(MachineFloor),
});

export const Environment = Type.Object({
  node: Type.String(),
  v8: Type.String(),
  platform: Type.String(),
  arch: Type.String(),
  cpuModel: Type.String(),
  cpuCount: Figure,
  totalMemoryBytes: Figure,
  labVersion: Type.String(),
  nodeFlags: Type.Array(Type.String()),
  runtimes: Type.Optional(Type.Array(Type.Object({ name: Type.String(), version: Type.String() }))),
  hostLoad: Type.Optional(HostLoad),
  rulerFloor: Type.Optional(RulerFloor),
});
