import { describe, expect, it } from 'vitest';
import { rentRequestSchema } from '../../../../common/market/rent-types';
import { EMPTY_JOB_DRAFT, requestFromDraft } from './job-draft';
import { applyTemplate, JOB_TEMPLATES } from './job-templates';

describe('job templates', () => {
  it('each makes a request the contract accepts, with its image, ports and the cluster variables left to the shell', () => {
    for (const template of JOB_TEMPLATES) {
      const draft = applyTemplate({ ...EMPTY_JOB_DRAFT, gpuCount: '4', hours: '2' }, template);
      const { request, errors } = requestFromDraft(draft, {});
      expect(errors, template.id).toEqual({});
      expect(rentRequestSchema.safeParse(request).success, template.id).toBe(true);
      expect(request!.job.image).toBe(template.fill.image);
      expect(request!.gpuCount).toBe(4);
    }
    const ddp = requestFromDraft(applyTemplate(EMPTY_JOB_DRAFT, JOB_TEMPLATES.find((t) => t.id === 'pytorch-ddp')!), {}).request!;
    expect(ddp.job.command?.slice(0, 2)).toEqual(['sh', '-c']);
    expect(ddp.job.command?.[2]).toContain('--node-rank="$RANK"');
    const ray = requestFromDraft(applyTemplate(EMPTY_JOB_DRAFT, JOB_TEMPLATES.find((t) => t.id === 'ray-cluster')!), {}).request!;
    expect(ray.job.ports).toEqual([8265, 6379]);
  });
});
