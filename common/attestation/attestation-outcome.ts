/**
 * Why an attestation failed: a stable reason code (UI, tests and the hub's records branch on
 * it) and plain words for the renter and, separately, for the supplier whose machine failed.
 */
export const ATTESTATION_REASONS = [
  'attestation_late',
  'attestation_wrong_row',
  'attestation_bad_commitment',
  'attestation_memory_short',
  'attestation_gpu_mismatch',
  'attestation_malformed',
  'attestation_no_answer',
  'attestation_failed',
] as const;
export type AttestationReason = (typeof ATTESTATION_REASONS)[number];

export interface AttestationOutcome {
  passed: boolean;
  reason: AttestationReason | null;
  /** For the renter: what the node did wrong. */
  message: string;
  /** From the challenge to the commitment, as the verifier measured it (null if none came). */
  elapsedMs: number | null;
  deadlineMs: number;
  /** true when the compute ran in-process (the Sandbox without the image): not a proof. */
  simulated: boolean;
}

/** What a supplier is told when its machine failed, and what to do about it. */
export function supplierAdvice(reason: AttestationReason): string {
  switch (reason) {
    case 'attestation_late':
      return 'Your machine answered the GPU check too slowly for the GPU model it offers. Close other programs that use the GPU (games, miners), check it is not throttling from heat, and make sure the offer names the right model.';
    case 'attestation_wrong_row':
      return 'Your machine returned wrong results for the GPU check. The GPU may be faulty or overclocked beyond stability; run a memory test, reset clocks to stock and try again.';
    case 'attestation_bad_commitment':
      return 'Your machine\u2019s answers did not match what it committed to. This happens only with modified software: reinstall Idlegrid.';
    case 'attestation_memory_short':
      return 'Your GPU could not hold the memory it claims. Another program may be using GPU memory, or the GPU has less memory than the offer says: close other GPU programs and check the model.';
    case 'attestation_gpu_mismatch':
      return 'The container did not see the GPUs that were leased. Check the NVIDIA Container Toolkit (Settings → Setup doctor) and that no other program hides or reorders the GPUs.';
    case 'attestation_malformed':
      return 'Your machine sent an answer the renter could not read. Update Idlegrid.';
    case 'attestation_no_answer':
      return 'Your machine did not answer the GPU check. Check that Docker is running and the attestation image can be pulled.';
    case 'attestation_failed':
      return 'The GPU check could not run on your machine. See the message for why; the setup doctor can help.';
  }
}
