import { Type } from '@sinclair/typebox';
import { OneOf } from './figures.js';
import { REQUEST_TYPES } from './plain-values.js';

/**
 * One line of a request log (NDJSON, written by `workload`): one request. A measuring child reads
 * these lines, so it checks them with a function generated from this schema
 * (harness/results/schemas/checks.generated.ts), which loads no schema library.
 * Fields beyond these are ignored, as they always were.
 */

const UserOrChannelId = Type.Integer({ minimum: 0, maximum: 0xffff_ffff, description: 'An unsigned 32-bit id.' });
const MessageId = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'A message id: an integer from 0 to 2^53 - 1.' });

export const RequestLine = Type.Union([
  Type.Object(
    { type: Type.Literal('message'), authorId: UserOrChannelId, channelId: UserOrChannelId, messageId: MessageId, mentions: Type.Array(UserOrChannelId) },
    { description: '`authorId` wrote message `messageId` in `channelId` (and so has read it), mentioning the users `mentions`.' },
  ),
  Type.Object(
    { type: Type.Literal('ack'), userId: UserOrChannelId, channelId: UserOrChannelId, messageId: MessageId },
    { description: '`userId` read `channelId` up to `messageId`.' },
  ),
  Type.Object({ type: Type.Literal('open'), userId: UserOrChannelId, channelId: UserOrChannelId }, { description: '`userId` opened `channelId` (one read).' }),
  Type.Object(
    { type: Type.Literal('reconnect'), userId: UserOrChannelId, channelIds: Type.Array(UserOrChannelId) },
    { description: '`userId` came back online and reads the channels `channelIds`.' },
  ),
]);

/** The request type alone: checked first when a line fails, so a wrong `type` is named as such rather than as a missing field of some variant. */
export const RequestLineType = Type.Object({ type: OneOf(REQUEST_TYPES) });
