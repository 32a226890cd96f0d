/**
 * Which of `partitions` partitions owns a user: a multiplicative hash, so that consecutive ids
 * spread evenly. Shared by the partitioned service and the in-heap partitioned cache, so both
 * split users the same way.
 */
export function partitionOf(userId: number, partitions: number): number {
  return (Math.imul(userId, 0x9e37_79b1) >>> 0) % partitions;
}

/** Capacity of partition `k` when `capacity` is split over `partitions`: as even as it goes. */
export function partitionCapacity(k: number, capacity: number, partitions: number): number {
  return Math.floor(capacity / partitions) + (k < capacity % partitions ? 1 : 0);
}
