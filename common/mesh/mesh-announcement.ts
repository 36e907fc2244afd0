import { z } from 'zod';
import { solanaAddressSchema, transactionSignatureSchema } from '../hub/solana-strings';

/**
 * A node's WireGuard public key for one lease, signed by the supplier's wallet. The hub
 * carries it but cannot make one: a node accepts a peer only when the wallet that the
 * lease's placement names for that rank signed this exact text. Endpoints are not signed
 * (the hub observes them); a wrong endpoint can only stop packets, never decrypt them.
 */
export interface MeshAnnouncement {
  leaseId: string;
  rank: number;
  workerId: string;
  /** The supplier's wallet address (base58), which signs. */
  supplier: string;
  /** x25519 public key, base64 of 32 bytes (as `wg` takes it). */
  wgPublicKey: string;
  issuedAtMs: number;
}

const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export const meshAnnouncementSchema = z
  .object({
    leaseId: z.string().min(1).max(64),
    rank: z.number().int().min(0).max(253),
    workerId: z.string().min(1).max(64),
    supplier: solanaAddressSchema,
    wgPublicKey: z.string().regex(WG_KEY, 'a WireGuard key is 32 bytes in base64'),
    issuedAtMs: z.number().int().min(0),
  })
  .strict();

export const signedMeshAnnouncementSchema = z
  .object({
    announcement: meshAnnouncementSchema,
    /** ed25519 signature of `meshAnnouncementText(announcement)` by `supplier`, base58. */
    signature: transactionSignatureSchema,
  })
  .strict();

export type SignedMeshAnnouncement = z.infer<typeof signedMeshAnnouncementSchema>;

/** The exact UTF-8 text the supplier's wallet signs; it names what it is so it cannot pass for a sign-in or a transaction. */
export function meshAnnouncementText(a: MeshAnnouncement): string {
  return [
    'Idlegrid mesh key (a node of a lease; not a transaction)',
    `Lease: ${a.leaseId}`,
    `Rank: ${a.rank}`,
    `Worker: ${a.workerId}`,
    `Supplier: ${a.supplier}`,
    `WireGuard key: ${a.wgPublicKey}`,
    `Issued At: ${new Date(a.issuedAtMs).toISOString()}`,
  ].join('\n');
}

/** The announcement a `meshAnnouncementText` names, or null for any other text (a signer checks it round-trips exactly). */
export function parseMeshAnnouncementText(text: string): MeshAnnouncement | null {
  const lines = text.split('\n');
  if (lines.length !== 7 || lines[0] !== 'Idlegrid mesh key (a node of a lease; not a transaction)') return null;
  const field = (i: number, name: string) => (lines[i]!.startsWith(`${name}: `) ? lines[i]!.slice(name.length + 2) : null);
  const [leaseId, rank, workerId, supplier, wgPublicKey, issuedAt] = [field(1, 'Lease'), field(2, 'Rank'), field(3, 'Worker'), field(4, 'Supplier'), field(5, 'WireGuard key'), field(6, 'Issued At')];
  if (leaseId === null || rank === null || workerId === null || supplier === null || wgPublicKey === null || issuedAt === null) return null;
  const issuedAtMs = Date.parse(issuedAt);
  if (!/^\d{1,3}$/.test(rank) || Number.isNaN(issuedAtMs)) return null;
  return { leaseId, rank: Number(rank), workerId, supplier, wgPublicKey, issuedAtMs };
}

/** Where a node's WireGuard packets come from as the hub sees them (its public UDP endpoint). */
export interface MeshEndpoint {
  host: string;
  port: number;
}

/** How a pair of nodes reaches each other, and what the mesh measured between them. */
export interface MeshPairReport {
  fromRank: number;
  toRank: number;
  path: 'direct' | 'relayed' | 'down';
  /** Round trip over the mesh, ms (median of a few pings); null while measuring or when down. */
  rttMs: number | null;
  /** TCP throughput over the mesh, bits per second; null while measuring or when down. */
  bitsPerSecond: number | null;
  /** From both nodes running to the first WireGuard handshake of the pair. */
  upAfterMs: number | null;
}

export const meshPairReportSchema = z
  .object({
    fromRank: z.number().int().min(0).max(253),
    toRank: z.number().int().min(0).max(253),
    path: z.enum(['direct', 'relayed', 'down']),
    rttMs: z.number().min(0).max(600_000).nullable(),
    bitsPerSecond: z.number().min(0).max(1e13).nullable(),
    upAfterMs: z.number().int().min(0).max(3_600_000).nullable(),
  })
  .strict();

/** A lease's mesh as the renter sees it: one entry per pair. */
export interface MeshMatrix {
  leaseId: string;
  state: 'measuring' | 'ready';
  pairs: MeshPairReport[];
}
