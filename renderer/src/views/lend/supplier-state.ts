import type { SupplierLeaseState, SupplierState } from '../../../../common/market/lend-types';
import type { StatusTone } from '../../components/status-pill';

export const SUPPLIER_STATE_LABELS: Record<SupplierState, string> = {
  off: 'Not sharing',
  connecting: 'Connecting…',
  sharing: 'Sharing',
  running: 'Running a job',
  'paused-hot': 'Paused: too hot',
  error: 'Problem',
};

export const SUPPLIER_STATE_TONES: Record<SupplierState, StatusTone> = {
  off: 'neutral',
  connecting: 'info',
  sharing: 'ok',
  running: 'ok',
  'paused-hot': 'warn',
  error: 'error',
};

export const LEASE_STATE_LABELS: Record<SupplierLeaseState, string> = {
  assigned: 'Assigned',
  verifying: 'Checking payment',
  pulling: 'Pulling image',
  running: 'Running',
  'paused-hot': 'Paused: too hot',
  ended: 'Ended',
};

export const LEASE_STATE_TONES: Record<SupplierLeaseState, StatusTone> = {
  assigned: 'info',
  verifying: 'info',
  pulling: 'info',
  running: 'ok',
  'paused-hot': 'warn',
  ended: 'neutral',
};
