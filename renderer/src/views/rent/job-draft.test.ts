import { describe, expect, it } from 'vitest';
import { rentRequestSchema } from '../../../../common/market/rent-types';
import { EMPTY_JOB_DRAFT, parseEnv, parsePorts, requestFromDraft, splitCommandLine } from './job-draft';

describe('job draft', () => {
  it('splits a command line like a shell, quotes respected', () => {
    expect(splitCommandLine(`python -c "print('hi there')" --name 'a b' x\\ y ""`)).toEqual({ args: ['python', '-c', "print('hi there')", '--name', 'a b', 'x y', ''] });
    expect(splitCommandLine('echo "say \\"hi\\""')).toEqual({ args: ['echo', 'say "hi"'] });
    expect(splitCommandLine('  ')).toEqual({ args: [] });
    expect(splitCommandLine('echo "open')).toEqual({ error: 'A double quote is not closed.' });
  });

  it('reads env lines, refusing the names the hub sets', () => {
    expect(parseEnv('A=1\n# note\n\nB=x=y')).toEqual({ env: { A: '1', B: 'x=y' } });
    expect(parseEnv('RANK=3')).toMatchObject({ error: expect.stringMatching(/RANK is set by the hub/) });
    expect(parseEnv('1A=2')).toMatchObject({ error: expect.stringMatching(/not a variable name/) });
    expect(parseEnv('novalue')).toMatchObject({ error: expect.stringMatching(/KEY=VALUE/) });
  });

  it('reads ports 1–65535', () => {
    expect(parsePorts('8888, 6006 8888')).toEqual({ ports: [8888, 6006] });
    expect(parsePorts('0')).toMatchObject({ error: expect.stringMatching(/1 to 65535/) });
    expect(parsePorts('70000')).toMatchObject({ error: expect.any(String) });
  });

  it('builds a request the contract accepts', () => {
    const { request, errors } = requestFromDraft(
      { ...EMPTY_JOB_DRAFT, gpuCount: '3', image: 'busybox:1.36', command: 'sh -c "echo $RANK; sleep 600"', env: 'A=1', ports: '8888', hours: '1', minutes: '30', maxNodes: '2' },
      { gpuModel: 'V100' },
    );
    expect(errors).toEqual({});
    expect(request).toEqual({
      gpuCount: 3,
      constraints: { gpuModel: 'V100', sameModel: true, maxNodes: 2 },
      job: { image: 'busybox:1.36', command: ['sh', '-c', 'echo $RANK; sleep 600'], env: { A: '1' }, ports: [8888] },
      durationMs: 90 * 60_000,
    });
    expect(rentRequestSchema.safeParse(request).success).toBe(true);
  });

  it('takes a budget instead of a duration, and one argument per line', () => {
    const { request } = requestFromDraft({ ...EMPTY_JOB_DRAFT, image: 'x', limitBy: 'budget', budget: '2.5', command: 'python\n-c\nprint(1)\n', commandMode: 'lines' }, {});
    expect(request?.budget).toBe('2500000');
    expect(request?.durationMs).toBeUndefined();
    expect(request?.job.command).toEqual(['python', '-c', 'print(1)']);
    expect(request?.job.runAsRoot).toBeUndefined();
  });

  it('asks for internet egress only when ticked (issue 11)', () => {
    expect(requestFromDraft({ ...EMPTY_JOB_DRAFT, image: 'x', hours: '1' }, {}).request?.job.egress).toBeUndefined();
    const { request } = requestFromDraft({ ...EMPTY_JOB_DRAFT, image: 'x', hours: '1', egress: true }, {});
    expect(request?.job.egress).toBe(true);
    expect(rentRequestSchema.safeParse(request).success).toBe(true);
  });

  it('asks for root only when ticked', () => {
    const { request } = requestFromDraft({ ...EMPTY_JOB_DRAFT, image: 'x', hours: '1', runAsRoot: true }, {});
    expect(request?.job.runAsRoot).toBe(true);
    expect(rentRequestSchema.safeParse(request).success).toBe(true);
  });

  it('names every wrong field', () => {
    const { request, errors } = requestFromDraft({ ...EMPTY_JOB_DRAFT, gpuCount: '0', image: 'my image', env: 'WORLD_SIZE=2', ports: 'x', hours: '0', minutes: '0' }, {});
    expect(request).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['env', 'gpuCount', 'image', 'minutes', 'ports']);
    expect(errors.image).toMatch(/no spaces/);
  });
});
