import { isRecord, isUint32 } from '../json-input.js';

/**
 * The read-state HTTP API: routes and request validation, apart from the server that runs
 * them. Every check happens before any state changes, so a bad request changes nothing.
 *
 *   POST /messages                  {"authorId", "channelId", "messageId", "mentions": [userId]}
 *   POST /acks                      {"userId", "channelId", "messageId"}
 *   GET  /read-states/:user/:channel
 *   POST /users/:user/reconnect     {"channelIds": [channelId]}
 *   GET  /health
 *   GET  /stats
 */
export type ApiCall =
  | { route: 'message'; authorId: number; channelId: number; messageId: number; mentions: number[] }
  | { route: 'ack'; userId: number; channelId: number; messageId: number }
  | { route: 'read'; userId: number; channelId: number }
  | { route: 'reconnect'; userId: number; channelIds: number[] }
  | { route: 'health' }
  | { route: 'stats' };

export type ApiRoute = ApiCall['route'];
export const API_ROUTES: readonly ApiRoute[] = ['message', 'ack', 'read', 'reconnect', 'health', 'stats'];

/** A request the API refuses: an HTTP status and one line saying why. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Fields the error body carries beside "error" (/health's "status"). */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The most bytes of request line and headers (docs/http-contract.md); more is 431. */
export const MAX_HEADER_BYTES = 64 * 1024;
/** The most header fields one request may carry (hyper's own limit, which the others keep too); more is 431. */
export const MAX_HEADER_COUNT = 100;

/** What the request line and headers say, checked as docs/http-contract.md has it, before routing. */
export function checkRequestHead(request: {
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly rawHeaders: readonly string[];
}): { path: string; asteriskOptions: boolean } {
  const { httpVersionMajor: major, httpVersionMinor: minor } = request;
  // llhttp takes a request line without a version as HTTP/0.9, and knows HTTP/2.0.
  if (major === 0) throw new ApiError(400, 'the request line has no HTTP version');
  if (major !== 1) throw new ApiError(505, `HTTP/${major}.${minor} is not supported: HTTP/1.0 and HTTP/1.1 are`);
  if (request.rawHeaders.length / 2 > MAX_HEADER_COUNT) throw new ApiError(431, `more than ${MAX_HEADER_COUNT} header fields`);
  let hosts = 0;
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!;
    if (name.length === 4 && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host')) hosts++;
  }
  if (hosts > 1) throw new ApiError(400, 'more than one Host header');
  if (hosts === 0 && minor >= 1) throw new ApiError(400, 'an HTTP/1.1 request needs a Host header');
  const target = request.url ?? '/';
  // A fragment is never sent (RFC 9110 section 7.1): a target holding '#' is not a valid request-target.
  if (target.includes('#')) throw new ApiError(400, 'the request target must not contain a fragment (#)');
  if (target === '*') return { path: '*', asteriskOptions: request.method === 'OPTIONS' };
  let path = target.split('?')[0]!;
  // The absolute form (RFC 9112 section 3.2.2), which a server must accept: its path is what is routed.
  const absolute = path.startsWith('/') ? null : /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?]*/.exec(path);
  if (absolute !== null) path = path.slice(absolute[0].length) || '/';
  return { path, asteriskOptions: false };
}

/**
 * The status and message for what Node's HTTP parser refuses before a request exists, from its
 * error code and the bytes it was parsing: as net/http answers, a well-formed version other than
 * 1.0 and 1.1 is 505 and a transfer coding other than chunked 501 (RFC 9112 section 6.1).
 */
export function parserRefusal(code: string | undefined, packet?: Buffer): { status: number; message: string } {
  const head = packet?.toString('latin1', 0, Math.min(packet.length, MAX_HEADER_BYTES)) ?? '';
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: `the request line and headers are larger than ${MAX_HEADER_BYTES} bytes` };
    case 'HPE_INVALID_METHOD':
      return { status: 400, message: 'the method is not one HTTP defines (methods are case-sensitive)' };
    case 'HPE_INVALID_VERSION': {
      const version = /^[^\r\n]* (HTTP\/\d\.\d)\r?\n/.exec(head);
      return version === null
        ? { status: 400, message: 'the HTTP version is malformed' }
        : { status: 505, message: `${version[1]} is not supported: HTTP/1.0 and HTTP/1.1 are` };
    }
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return /\r\ncontent-length:/i.test(head)
        ? { status: 400, message: 'Content-Length and Transfer-Encoding together' }
        : { status: 501, message: 'the only transfer coding this service reads is chunked' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'the request took too long to arrive' };
    default:
      return { status: 400, message: `the request could not be parsed (${code ?? 'unknown error'})` };
  }
}

/** The largest body accepted; a reconnect of a thousand channels fits with room to spare. */
export const MAX_BODY_BYTES = 64 * 1024;
/** The most ids one list (mentions, reconnect channels) may hold. */
export const MAX_LIST = 10_000;

/** Which call a method and path name, before the body is read; throws ApiError 404 or 405. */
export function matchRoute(method: string, path: string): { route: ApiRoute; params: string[] } {
  const routes: Array<[RegExp, string, ApiRoute]> = [
    [/^\/messages$/, 'POST', 'message'],
    [/^\/acks$/, 'POST', 'ack'],
    [/^\/read-states\/([^/]+)\/([^/]+)$/, 'GET', 'read'],
    [/^\/users\/([^/]+)\/reconnect$/, 'POST', 'reconnect'],
    [/^\/health$/, 'GET', 'health'],
    [/^\/stats$/, 'GET', 'stats'],
  ];
  for (const [pattern, allowed, route] of routes) {
    const match = pattern.exec(path);
    if (match === null) continue;
    if (method !== allowed) throw new ApiError(405, `${path} takes ${allowed}, not ${method}`);
    return { route, params: match.slice(1) };
  }
  throw new ApiError(404, `no route ${method} ${path}`);
}

/** Parses and checks a call's body and path parameters; throws ApiError 400 naming the field. */
export function parseCall(route: ApiRoute, params: readonly string[], body: string): ApiCall {
  switch (route) {
    case 'health':
    case 'stats':
      return { route };
    case 'read':
      return { route, userId: pathId(params[0], 'user'), channelId: pathId(params[1], 'channel') };
    case 'reconnect': {
      const json = jsonObject(body);
      return { route, userId: pathId(params[0], 'user'), channelIds: idList(json, 'channelIds') };
    }
    case 'ack': {
      const json = jsonObject(body);
      return { route, userId: id(json, 'userId'), channelId: id(json, 'channelId'), messageId: messageId(json) };
    }
    case 'message': {
      const json = jsonObject(body);
      return { route, authorId: id(json, 'authorId'), channelId: id(json, 'channelId'), messageId: messageId(json), mentions: idList(json, 'mentions') };
    }
  }
}

function jsonObject(body: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new ApiError(400, 'the body is not valid JSON');
  }
  if (!isRecord(value)) throw new ApiError(400, 'the body must be a JSON object');
  return value;
}

function pathId(raw: string | undefined, what: string): number {
  const value = raw !== undefined && /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!isUint32(value)) throw new ApiError(400, `the ${what} id in the path must be an integer from 0 to 4294967295`);
  return value;
}

function id(json: Record<string, unknown>, key: string): number {
  const value = json[key];
  if (!isUint32(value)) throw new ApiError(400, `"${key}" must be an integer from 0 to 4294967295`);
  return value;
}

function messageId(json: Record<string, unknown>): number {
  const value = json['messageId'];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new ApiError(400, '"messageId" must be an integer from 0 to 2^53 - 1');
  return value;
}

function idList(json: Record<string, unknown>, key: string): number[] {
  const value = json[key];
  if (!Array.isArray(value) || value.length > MAX_LIST || !value.every(isUint32)) {
    throw new ApiError(400, `"${key}" must be an array of at most ${MAX_LIST} ids from 0 to 4294967295`);
  }
  return value;
}
