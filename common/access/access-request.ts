import { z } from 'zod';
import { solanaAddressSchema, transactionSignatureSchema } from '../hub/solana-strings';

/**
 * What a renter asks to reach on one node of its lease: an interactive shell, a TCP port
 * of the container, or a file to upload or download. The renter's wallet signs the exact
 * text of the request (`accessRequestText`); the hub checks it before relaying and the
 * supplier's app checks it again against the renter its own lease record names, so a hub
 * cannot open a stream into a container on anyone's behalf.
 */
export const ACCESS_KINDS = ['terminal', 'forward', 'upload', 'download'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

/** How long a signed request may be used after it was issued (and how far ahead a clock may be). */
export const ACCESS_REQUEST_TTL_MS = 120_000;

const containerPath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => p.startsWith('/') && !p.split('/').includes('..') && !p.includes('\0'), 'an absolute path inside the container, without ..');

export const accessRequestSchema = z
  .object({
    leaseId: z.string().min(1).max(64),
    rank: z.number().int().min(0).max(255),
    /** The renter's wallet address (base58): the signer, and the lease's renter. */
    renter: solanaAddressSchema,
    kind: z.enum(ACCESS_KINDS),
    /** terminal: the first size of the TTY. */
    cols: z.number().int().min(1).max(1000).optional(),
    rows: z.number().int().min(1).max(1000).optional(),
    /** forward: the container's TCP port. */
    port: z.number().int().min(1).max(65535).optional(),
    /** upload/download: the path inside the container. */
    path: containerPath.optional(),
    /** 16–64 url-safe characters, random per request: a request is used once. */
    nonce: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
    issuedAtMs: z.number().int().min(0),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.kind === 'forward' && r.port === undefined) ctx.addIssue({ code: 'custom', path: ['port'], message: 'a forward names the port' });
    if ((r.kind === 'upload' || r.kind === 'download') && r.path === undefined) ctx.addIssue({ code: 'custom', path: ['path'], message: 'a file transfer names the path' });
  });
export type AccessRequest = z.infer<typeof accessRequestSchema>;

export const signedAccessRequestSchema = z
  .object({
    request: accessRequestSchema,
    /** ed25519 signature of `accessRequestText(request)` by `request.renter`, base58. */
    signature: transactionSignatureSchema,
  })
  .strict();
export type SignedAccessRequest = z.infer<typeof signedAccessRequestSchema>;

export const ACCESS_REQUEST_HEADING = 'Idlegrid node access (a stream into a node of your lease; not a transaction)';

/** The exact UTF-8 text the renter's wallet signs; it names what it is so it cannot pass for a sign-in or a transaction. */
export function accessRequestText(r: AccessRequest): string {
  const target =
    r.kind === 'terminal' ? `terminal ${r.cols ?? 80}x${r.rows ?? 24}` : r.kind === 'forward' ? `port ${r.port}` : `${r.kind} ${r.path}`;
  return [
    ACCESS_REQUEST_HEADING,
    `Lease: ${r.leaseId}`,
    `Node: ${r.rank}`,
    `Renter: ${r.renter}`,
    `Target: ${target}`,
    `Nonce: ${r.nonce}`,
    `Issued At: ${new Date(r.issuedAtMs).toISOString()}`,
  ].join('\n');
}

/** Why a request is too old or from the future at `nowMs`; null when it is fresh. */
export function accessRequestStaleness(r: AccessRequest, nowMs: number): string | null {
  if (r.issuedAtMs > nowMs + ACCESS_REQUEST_TTL_MS) return 'the request was issued in the future (check this computer\'s clock)';
  if (nowMs - r.issuedAtMs > ACCESS_REQUEST_TTL_MS) return `the request was issued more than ${ACCESS_REQUEST_TTL_MS / 1000} s ago; open the stream again`;
  return null;
}
