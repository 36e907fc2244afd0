import type { JobDraft } from './job-draft';

/**
 * Ready job specs for the job form: each fills the image, command, ports and env, and the
 * renter edits them before quoting. Commands that use the cluster's variables run under
 * `sh -c` (the form expands nothing itself). Ports are the ones to forward afterwards.
 */
export interface JobTemplate {
  id: string;
  name: string;
  description: string;
  fill: Pick<JobDraft, 'image' | 'command' | 'commandMode' | 'env' | 'ports'>;
}

export const JOB_TEMPLATES: readonly JobTemplate[] = [
  {
    id: 'pytorch-ddp',
    name: 'PyTorch DDP (torchrun)',
    description: 'torchrun across every node of the cluster; put your script in /scratch (Files) or bake it into the image.',
    fill: {
      image: 'pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime',
      command: `sh -c 'torchrun --nnodes="$WORLD_SIZE" --node-rank="$RANK" --nproc-per-node=gpu --master-addr="$MASTER_ADDR" --master-port="$MASTER_PORT" /scratch/train.py'`,
      commandMode: 'shell',
      env: 'NCCL_DEBUG=WARN',
      ports: '',
    },
  },
  {
    id: 'jupyter-lab',
    name: 'Jupyter Lab',
    description: 'A notebook server on port 8888: forward it and open it in the browser (the token is in the node log).',
    fill: { image: 'quay.io/jupyter/pytorch-notebook:cuda12-latest', command: 'jupyter lab --ip=0.0.0.0 --port=8888 --no-browser --notebook-dir=/scratch', commandMode: 'shell', env: '', ports: '8888' },
  },
  {
    id: 'ray-cluster',
    name: 'Ray cluster',
    description: 'The Ray head on rank 0 (dashboard on 8265), every other node joins it.',
    fill: {
      image: 'rayproject/ray:2.9.0-gpu',
      command: `sh -c 'if [ "$RANK" = 0 ]; then ray start --head --port=6379 --dashboard-host=0.0.0.0 --block; else ray start --address="$MASTER_ADDR:6379" --block; fi'`,
      commandMode: 'shell',
      env: '',
      ports: '8265, 6379',
    },
  },
  {
    id: 'vllm',
    name: 'vLLM serving',
    description: 'An OpenAI-compatible API on port 8000; change the model to yours.',
    fill: { image: 'vllm/vllm-openai:v0.4.2', command: '--model facebook/opt-125m --host 0.0.0.0 --port 8000', commandMode: 'shell', env: '', ports: '8000' },
  },
  {
    id: 'comfyui',
    name: 'ComfyUI',
    description: 'The ComfyUI web UI on port 8188: forward it and open it in the browser.',
    fill: { image: 'ghcr.io/ai-dock/comfyui:latest', command: 'python main.py --listen 0.0.0.0 --port 8188', commandMode: 'shell', env: '', ports: '8188' },
  },
];

/** The draft with a template's fields filled in (GPUs, placement and the limit are kept). */
export function applyTemplate(draft: JobDraft, template: JobTemplate): JobDraft {
  return { ...draft, ...template.fill };
}
