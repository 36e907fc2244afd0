import type { SupplierStatus } from '../../common/market/lend-types';

const STATE_WORDS: Record<SupplierStatus['state'], string> = {
  off: 'sharing is off',
  connecting: 'connecting to the hub',
  sharing: 'sharing',
  running: 'sharing, leases running',
  'paused-hot': 'sharing, jobs paused (GPU too hot)',
  error: 'waiting',
};

/**
 * What the headless entry prints about sharing, so a rig restarted unattended says in its
 * terminal whether sharing resumed or what it waits for (a locked wallet, Docker, the hub).
 * A line only when the state or its message changed; null otherwise.
 */
export class SharingLog {
  private last = '';

  line(status: Pick<SupplierStatus, 'state' | 'message' | 'sharingEnabled'>, nowMs: number): string | null {
    const text = status.state === 'error' ? `waiting: ${status.message || 'see the app'}` : status.message || STATE_WORDS[status.state];
    if (text === this.last) return null;
    this.last = text;
    return `[${new Date(nowMs).toISOString()}] Sharing: ${text}`;
  }
}
