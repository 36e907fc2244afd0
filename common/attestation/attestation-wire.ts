import { z } from 'zod';

/**
 * What the verifier and the node's attestation script say to each other, one JSON object a
 * line (the script's stdin and stdout; the hub relays the same objects between the renter's
 * app and the supplier's). Sizes are bounded so a hostile node cannot make the verifier
 * parse without end.
 */
const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const u32 = z.number().int().min(0).max(0xffffffff);

export const MAX_N = 16_384;
export const MAX_OPENED_ROWS = 64;
export const MAX_GROUP_ROWS = 1_024;

export const seenGpuSchema = z.object({
  uuid: z.string().min(1).max(128),
  model: z.string().max(128).nullable(),
  memoryMiB: z.number().int().min(0).nullable(),
});
export type SeenGpu = z.infer<typeof seenGpuSchema>;

export const nodeReadySchema = z.object({
  type: z.literal('ready'),
  device: z.enum(['cuda', 'cpu']),
  gpus: z.array(seenGpuSchema).max(64),
  torch: z.string().max(64),
  /**
   * 'in-process': the Sandbox's stand-in when the attestation image is absent (the
   * supplier's app computed it in Node). The verifier labels such an outcome as not a
   * proof, and refuses it on real grids.
   */
  prover: z.enum(['container', 'in-process']).default('container'),
});

export const nodeCommitSchema = z.object({
  type: z.literal('commit'),
  root: hex(32),
  rows: z.number().int().min(1),
  heldBytes: z.number().int().min(0),
  computeMs: z.number().int().min(0),
});

export const openedRowSchema = z.object({
  row: z.number().int().min(0),
  values: z.array(z.number().int()).max(MAX_N),
  groupDigests: z.string().regex(/^[0-9a-f]*$/).max(MAX_GROUP_ROWS * 16),
  path: z.array(hex(32)).max(64),
});
export type OpenedRow = z.infer<typeof openedRowSchema>;

export const nodeOpeningSchema = z.object({
  type: z.literal('opening'),
  rows: z.array(openedRowSchema).max(MAX_OPENED_ROWS),
});

export const nodeErrorSchema = z.object({
  type: z.literal('error'),
  reason: z.string().max(64),
  message: z.string().max(1024),
});

export const nodeAttestationMessageSchema = z.discriminatedUnion('type', [nodeReadySchema, nodeCommitSchema, nodeOpeningSchema, nodeErrorSchema]);
export type NodeAttestationMessage = z.infer<typeof nodeAttestationMessageSchema>;
export type NodeReady = z.input<typeof nodeReadySchema>;
export type NodeCommit = z.infer<typeof nodeCommitSchema>;
export type NodeOpening = z.infer<typeof nodeOpeningSchema>;

export const attestationChallengeSchema = z.object({
  type: z.literal('challenge'),
  seed: z.array(u32).length(4),
  device: z.enum(['cuda', 'cpu']),
  n: z.number().int().min(16).max(MAX_N),
  blocksPerGpu: z.number().int().min(1).max(1 << 20),
  groupRows: z.number().int().min(1).max(MAX_GROUP_ROWS),
});
export type AttestationChallenge = z.infer<typeof attestationChallengeSchema>;

export const attestationOpenSchema = z.object({
  type: z.literal('open'),
  rows: z.array(z.number().int().min(0)).min(1).max(MAX_OPENED_ROWS),
});
export type AttestationOpen = z.infer<typeof attestationOpenSchema>;
