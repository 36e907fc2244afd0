import type { Job } from './job';

/**
 * The setup doctor's answer: one check per thing a supplier's machine needs. Each
 * says in plain words what it found and, when something is wrong, how to fix it.
 */
export type DoctorCheckId = 'docker' | 'gpu-runtime' | 'disk' | 'storage' | 'clock' | 'mesh';

export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skipped';

export interface DoctorCheck {
  id: DoctorCheckId;
  title: string;
  status: DoctorStatus;
  /** What was found, e.g. "Docker 24.0.7 is running." */
  summary: string;
  /** What to do; null when nothing needs doing. */
  fix: string | null;
  /** Raw detail for a bug report (an engine error message), never needed to act. */
  detail: string | null;
}

export interface DoctorReport {
  checkedAtMs: number;
  checks: DoctorCheck[];
  /** True when no check failed: jobs can run here. */
  ready: boolean;
}

export interface TestJobResult {
  ok: boolean;
  job: Job;
  /** What went wrong in the doctor's words, when the test job did not succeed. */
  finding: DoctorCheck | null;
  /** The job's output, for the owner to see it really ran. */
  output: string[];
}
