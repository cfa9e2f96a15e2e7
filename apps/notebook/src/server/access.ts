// Who may drive the notebook. It listens on loopback, but any web page the user visits can send
// requests there, and DNS rebinding can make a remote name resolve to it. So, as Jupyter does:
// the Host must be this server's own address (rebinding brings a foreign one), every API request
// carries the session's token (printed in the URL at start, kept in an HttpOnly SameSite cookie
// by the page), and a request that changes state must come from the page's own origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

export const TOKEN_COOKIE = 'st_notebook_token';
export const TOKEN_HEADER = 'x-notebook-token';

export class AccessError extends Error {
  readonly status = 403;
}

export const newToken = (): string => randomBytes(24).toString('hex');

/** The Host values that name this server: the loopback names and the --host given, at its port. */
export function ownHosts(host: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host]);
  return new Set([...names].map((name) => `${name}:${port}`));
}

function cookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

const sameToken = (given: string | undefined, token: string): boolean =>
  given !== undefined && given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token));

/** The token a request carries: the header (scripts), the cookie (the page) or ?token= (the printed URL). */
const tokenOf = (req: http.IncomingMessage, url: URL): string | undefined =>
  (req.headers[TOKEN_HEADER] as string | undefined) ?? cookie(req, TOKEN_COOKIE) ?? url.searchParams.get('token') ?? undefined;

/**
 * Throws an AccessError unless the request may go on. Returns the cookie to set when the request
 * brought a valid token in its URL (the page opened from the printed address).
 */
export function checkAccess(req: http.IncomingMessage, url: URL, hosts: Set<string>, token: string): string | undefined {
  if (!hosts.has(req.headers.host ?? '')) throw new AccessError(`Host '${req.headers.host ?? ''}' is not this notebook's address`);
  const origin = req.headers.origin;
  if (req.method !== 'GET' && req.method !== 'HEAD' && origin !== undefined && origin !== `http://${req.headers.host}`) {
    throw new AccessError(`requests from ${origin} may not drive this notebook`);
  }
  const valid = sameToken(tokenOf(req, url), token);
  if (url.pathname.startsWith('/api/') && !valid) throw new AccessError('no valid token: open the notebook at the address it printed when it started (with ?token=)');
  return valid && url.searchParams.has('token') ? `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` : undefined;
}
