import type { IncomingMessage } from 'node:http';
import { HubError } from '../../common/hub/hub-errors';

/**
 * Reads a JSON request body of at most `maxBytes`. The size is checked as bytes arrive
 * (and against Content-Length up front), so an oversized body is refused without being
 * held in memory.
 */
export function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    request.resume();
    return Promise.reject(tooLarge(maxBytes, declared));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        reject(tooLarge(maxBytes, size));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.length === 0) return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HubError('invalid_message', 'The request body is not valid JSON.', 'body_not_json'));
      }
    });
    request.on('error', (error) => {
      if (!failed) reject(error);
    });
  });
}

function tooLarge(maxBytes: number, size: number): HubError {
  return new HubError('too_large', `A request body may be at most ${maxBytes} bytes; this one has ${size} or more.`, 'body_too_large');
}
