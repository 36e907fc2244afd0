import { z } from 'zod';

/**
 * GPUs released by their previous owner to a new one (issue 14.3), as the previous
 * owner's app makes it and the new owner pastes it: a small JSON text.
 */
export const gpuReleaseBundleSchema = z
  .object({
    kind: z.literal('idlegrid-gpu-release'),
    /** The wallet the GPUs were bound to, which signed. */
    from: z.string().min(32).max(44),
    /** The owner they are released to (named in every signed text). */
    to: z.string().min(32).max(44),
    releases: z.array(z.object({ uuid: z.string().min(1).max(96), signature: z.string().min(64).max(100).regex(/^[1-9A-HJ-NP-Za-km-z]+$/) }).strict()).min(1).max(64),
  })
  .strict();
export type GpuReleaseBundle = z.output<typeof gpuReleaseBundleSchema>;

/** Reads a pasted release; null with nothing but a shape the app makes. */
export function parseGpuReleaseBundle(text: string): GpuReleaseBundle | null {
  try {
    const parsed = gpuReleaseBundleSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
