import { isRecord } from '../json-input.js';

/**
 * Older results files, read as today's. Version 1 said "implementation" where version 2 says
 * "contender" (one word for one thing); nothing else changed, so upgrading renames those keys.
 */

/** The oldest schema version this lab still reads. */
export const OLDEST_READABLE_VERSION = 1;

function renameKey(record: unknown, from: string, to: string): unknown {
  if (!isRecord(record) || !(from in record)) return record;
  const { [from]: value, ...rest } = record;
  return { ...rest, [to]: value };
}

function renameInList(list: unknown, from: string, to: string): unknown {
  return Array.isArray(list) ? list.map((item) => renameKey(item, from, to)) : list;
}

/** A version-1 results document as version 2. */
export function upgradeFromVersion1(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  const settings = renameKey(raw['settings'], 'implementations', 'contenderNames');
  return {
    ...raw,
    schemaVersion: 2,
    ...(settings === undefined ? {} : { settings }),
    ...('rows' in raw ? { rows: renameInList(raw['rows'], 'implementation', 'contender') } : {}),
    ...('contenders' in raw ? { contenders: renameInList(raw['contenders'], 'implementation', 'contender') } : {}),
    ...('points' in raw ? { points: renameInList(raw['points'], 'implementation', 'contender') } : {}),
  };
}
