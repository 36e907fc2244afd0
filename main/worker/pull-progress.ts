import type { PullProgress } from '../../common/worker/job';
import type { PullMessage } from './container-engine';

interface LayerProgress {
  downloadedBytes: number;
  totalBytes: number;
  extracting: boolean;
  done: boolean;
}

/**
 * Turns Docker's per-layer pull messages ("Pulling fs layer", "Downloading 1.2MB/4MB",
 * "Extracting", "Pull complete", "Already exists") into one progress figure for a bar:
 * bytes downloaded over the bytes known so far, and layers done over layers seen.
 */
export class PullProgressTracker {
  private readonly layers = new Map<string, LayerProgress>();
  private resolved = false;
  private finished = false;

  constructor(
    private readonly jobId: string,
    private readonly image: string,
  ) {}

  /** Takes one message; returns true when it changed the figure. */
  apply(message: PullMessage): boolean {
    const status = message.status ?? '';
    const id = message.id;
    // Messages without a layer id: "Pulling from …", "Digest: …", "Status: …".
    if (!id || !this.isLayerStatus(status)) {
      if (status.startsWith('Status:') || status.startsWith('Digest:')) {
        this.finished = status.startsWith('Status:') || this.finished;
        return true;
      }
      return false;
    }
    this.resolved = true;
    const layer = this.layers.get(id) ?? { downloadedBytes: 0, totalBytes: 0, extracting: false, done: false };
    this.layers.set(id, layer);
    const detail = message.progressDetail ?? {};
    switch (status) {
      case 'Downloading':
        if (typeof detail.total === 'number' && detail.total > 0) layer.totalBytes = detail.total;
        if (typeof detail.current === 'number') layer.downloadedBytes = detail.current;
        break;
      case 'Download complete':
      case 'Verifying Checksum':
        layer.downloadedBytes = layer.totalBytes;
        break;
      case 'Extracting':
        layer.extracting = true;
        layer.downloadedBytes = layer.totalBytes;
        break;
      case 'Pull complete':
      case 'Already exists':
        layer.done = true;
        layer.extracting = false;
        layer.downloadedBytes = layer.totalBytes;
        break;
      default:
        break; // "Pulling fs layer", "Waiting": the layer exists, nothing more yet.
    }
    return true;
  }

  /** Marks the pull finished (the stream ended without an error). */
  finish(): void {
    this.finished = true;
    for (const layer of this.layers.values()) {
      layer.done = true;
      layer.downloadedBytes = layer.totalBytes;
    }
  }

  snapshot(): PullProgress {
    let bytesDone = 0;
    let bytesTotal = 0;
    let layersDone = 0;
    let extracting = false;
    for (const layer of this.layers.values()) {
      bytesDone += layer.downloadedBytes;
      bytesTotal += layer.totalBytes;
      if (layer.done) layersDone++;
      if (layer.extracting) extracting = true;
    }
    const allDownloaded = this.layers.size > 0 && bytesDone >= bytesTotal;
    const phase: PullProgress['phase'] = this.finished
      ? 'done'
      : !this.resolved
        ? 'resolving'
        : extracting || (allDownloaded && layersDone < this.layers.size)
          ? 'extracting'
          : 'downloading';
    return {
      jobId: this.jobId,
      image: this.image,
      phase,
      layersTotal: this.layers.size,
      layersDone,
      bytesDone,
      bytesTotal,
    };
  }

  private isLayerStatus(status: string): boolean {
    return (
      status === 'Pulling fs layer' ||
      status === 'Waiting' ||
      status === 'Downloading' ||
      status === 'Verifying Checksum' ||
      status === 'Download complete' ||
      status === 'Extracting' ||
      status === 'Pull complete' ||
      status === 'Already exists' ||
      status === 'Retrying'
    );
  }
}
