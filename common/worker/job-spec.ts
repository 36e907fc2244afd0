import { z } from 'zod';

/**
 * What a renter's job asks of this machine. The hub makes job and lease ids; the
 * worker names its containers, networks and volumes after them, so they are limited
 * to the characters Docker accepts in names.
 */
const DOCKER_NAME_PART = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/**
 * Env keys a renter may not set: NVIDIA's runtime reads them to decide which GPUs a
 * container sees, so letting a job set them would let it reach GPUs it did not lease.
 */
export const RESERVED_ENV_KEYS = ['NVIDIA_VISIBLE_DEVICES', 'NVIDIA_DRIVER_CAPABILITIES', 'NVIDIA_REQUIRE_CUDA'] as const;

/** Image references as Docker takes them: `[registry[:port]/]name[:tag][@digest]`. */
const IMAGE_REF = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export const exposedPortSchema = z
  .object({
    port: z.number().int().min(1).max(65535),
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
  })
  .strict();

export const jobSpecSchema = z
  .object({
    jobId: z.string().regex(DOCKER_NAME_PART, 'a job id is 1–63 letters, digits, ".", "_" or "-"'),
    leaseId: z.string().regex(DOCKER_NAME_PART, 'a lease id is 1–63 letters, digits, ".", "_" or "-"'),
    image: z.string().max(512).regex(IMAGE_REF, 'not a valid image reference (e.g. "ghcr.io/org/name:tag")'),
    /** Replaces the image's CMD; empty keeps the image's own. */
    command: z.array(z.string().max(8192)).max(256).default([]),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'env names are letters, digits and "_"'), z.string().max(32768))
      .refine((env) => !RESERVED_ENV_KEYS.some((key) => key in env), {
        message: `${RESERVED_ENV_KEYS.join(', ')} are set by the worker from the leased GPUs`,
      })
      .default({}),
    exposedPorts: z.array(exposedPortSchema).max(32).default([]),
    /** Exact GPUs of the lease (`GPU-…` UUIDs); empty for a CPU job. */
    gpuUuids: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:_.-]{0,127}$/)).max(64).default([]),
    /** CPU limit in cores; fractions allowed (0.5 = half a core). */
    cpuCores: z.number().positive().max(1024),
    memoryLimitMb: z.number().int().min(16).max(16 * 1024 * 1024),
    /** Size of the writable tmpfs at /tmp (RAM, counted in the memory limit). */
    tmpSizeMb: z.number().int().min(1).max(64 * 1024).default(64),
    /** Disk the job may use in its scratch volume at /scratch; checked against free disk before start. */
    scratchSizeMb: z.number().int().min(1).max(64 * 1024 * 1024),
    pidsLimit: z.number().int().min(16).max(65536).default(1024),
    /** Upper bound of the job's life, counted from when the worker accepts it. */
    maxDurationMs: z.number().int().min(1_000).max(90 * 24 * 3600_000),
    /**
     * Whether containers may reach the internet. Without it the lease's bridge network
     * is `Internal`: containers of the lease reach each other and nothing else.
     */
    egress: z.boolean().default(false),
    /** Time between SIGTERM and SIGKILL when the job is stopped. */
    stopGraceMs: z.number().int().min(0).max(600_000).default(10_000),
    pullPolicy: z.enum(['if-missing', 'always']).default('if-missing'),
    /**
     * This node's place in its lease's mesh (issue 11): the job then runs in the
     * namespace of the lease's sidecar (WireGuard mesh and firewall) instead of on a
     * bridge. `placement` is what the hub placed: each rank's worker and supplier wallet,
     * against which every peer's signed key is checked. `hubLeaseId` is the lease id as
     * the hub spells it (every node derives the mesh range from it).
     */
    mesh: z
      .object({
        hubLeaseId: z.string().min(1).max(64),
        rank: z.number().int().min(0).max(253),
        placement: z
          .array(z.object({ rank: z.number().int().min(0).max(253), workerId: z.string().min(1).max(64), supplier: z.string().min(32).max(44) }).strict())
          .min(1)
          .max(254),
      })
      .strict()
      .optional(),
    /**
     * The renter asks to run as root (uid 0) instead of the image's own unprivileged USER
     * (or nobody, 65534, when the image names none or names root). Admitted only when the
     * owner's lend terms allow root jobs (issue 14, item 5).
     */
    runAsRoot: z.boolean().default(false),
  })
  .strict();

/** A spec as a caller writes it (defaults may be left out). */
export type JobSpecInput = z.input<typeof jobSpecSchema>;
/** A parsed spec: every default filled in. */
export type JobSpec = z.output<typeof jobSpecSchema>;
export type ExposedPort = z.output<typeof exposedPortSchema>;

