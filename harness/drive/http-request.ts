import { type RequestLog, requestAt } from '../workload/request-log.js';

/** One request of the log as the HTTP API takes it. */
export function httpRequestAt(log: RequestLog, i: number): { method: 'GET' | 'POST'; path: string; body?: string } {
  const request = requestAt(log, i);
  switch (request.type) {
    case 'message': {
      const { authorId, channelId, messageId, mentions } = request;
      return { method: 'POST', path: '/messages', body: JSON.stringify({ authorId, channelId, messageId, mentions }) };
    }
    case 'ack': {
      const { userId, channelId, messageId } = request;
      return { method: 'POST', path: '/acks', body: JSON.stringify({ userId, channelId, messageId }) };
    }
    case 'open':
      return { method: 'GET', path: `/read-states/${request.userId}/${request.channelId}` };
    case 'reconnect':
      return { method: 'POST', path: `/users/${request.userId}/reconnect`, body: JSON.stringify({ channelIds: request.channelIds }) };
  }
}
