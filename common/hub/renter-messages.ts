import { z } from 'zod';
import type { HubErrorShape } from './hub-errors';
import type { LeaseEndReason, LeaseState, LeaseView, NodeState } from './lease-types';
import type { MeshMatrix } from '../mesh/mesh-announcement';
import { ATTESTATION_REASONS } from '../attestation/attestation-outcome';
import type { AttestationReason } from '../attestation/attestation-outcome';
import { attestationChallengeSchema, attestationOpenSchema } from '../attestation/attestation-wire';
import type { NodeAttestationMessage } from '../attestation/attestation-wire';

/**
 * Renter ⇄ hub messages over the renter WebSocket (`/v1/renter`): a renter follows its
 * leases — state changes, node states, logs and payments — as they happen.
 */
const leaseId = z.string().min(1).max(64);

export const renterMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), protocolVersion: z.number().int(), token: z.string().min(1).max(256) }),
  z.object({ type: z.literal('subscribe'), leaseId }),
  z.object({ type: z.literal('unsubscribe'), leaseId }),
  /** The renter's verifier to one node of a reserved lease: the challenge, then the rows to open. */
  z.object({ type: z.literal('attest.send'), leaseId, rank: z.number().int().min(0).max(255), message: z.union([attestationChallengeSchema, attestationOpenSchema]) }),
  /** The verifier's outcome for one node; the hub records it (reputation, evidence) and tells the supplier. */
  z.object({
    type: z.literal('attest.outcome'),
    leaseId,
    rank: z.number().int().min(0).max(255),
    passed: z.boolean(),
    reason: z.enum(ATTESTATION_REASONS).nullable(),
    message: z.string().max(1024),
  }),
]);
export type RenterMessage = z.infer<typeof renterMessageSchema>;

export type LeaseEvent =
  | { type: 'lease.state'; leaseId: string; state: LeaseState; endReason: LeaseEndReason | null; atMs: number; reason: string }
  | { type: 'lease.node'; leaseId: string; rank: number; state: NodeState; message: string | null; atMs: number; downSinceMs?: number }
  | { type: 'lease.log'; leaseId: string; rank: number; stream: 'stdout' | 'stderr'; text: string; atMs: number }
  | { type: 'lease.payment'; leaseId: string; increment: number; payee: string; amount: string; signature: string; atMs: number }
  /** A supplier refunded unused paid time (checked on chain by the hub): `amount` base units back to the renter. */
  | { type: 'lease.refund'; leaseId: string; increment: number; payee: string; amount: string; signature: string; atMs: number }
  /** The cluster mesh as its nodes measured it (sent at each pair's report, and after subscribing when there is one). */
  | { type: 'lease.mesh'; leaseId: string; mesh: MeshMatrix; atMs: number }
  /** A node's attestation message, relayed (its GPUs named by the lease's opaque ids). */
  | { type: 'lease.attest'; leaseId: string; rank: number; message: NodeAttestationMessage; atMs: number }
  /** A node's attestation outcome, as recorded by the hub. */
  | { type: 'lease.attested'; leaseId: string; rank: number; passed: boolean; reason: AttestationReason | null; message: string; atMs: number };

export type HubToRenterMessage =
  | { type: 'welcome'; protocolVersion: number; address: string }
  | { type: 'subscribed'; lease: LeaseView }
  | { type: 'unsubscribed'; leaseId: string }
  | LeaseEvent
  | ({ type: 'error'; inReplyTo?: string } & HubErrorShape);
