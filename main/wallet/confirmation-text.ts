import { formatAmount } from '../../common/money/amount-text';
import type { SigningRequest } from '../../common/wallet/wallet-types';

/** What the desktop's native confirmation dialog says about a request (plain text). */
export function confirmationText(request: SigningRequest): { title: string; detail: string; approveLabel: string } {
  const lines: string[] = [];
  for (const t of request.transfers) {
    lines.push(`${formatAmount({ token: { symbol: t.token, decimals: t.decimals }, baseUnits: BigInt(t.amount) }, { symbol: true })} to ${t.recipient}`);
  }
  if (request.feeLamports !== null) lines.push(`Network fee: ${formatAmount({ token: { symbol: 'SOL', decimals: 9 }, baseUnits: BigInt(request.feeLamports) }, { symbol: true })}`);
  if (request.memo) lines.push(`Memo: ${request.memo}`);
  if (request.message) lines.push(`Message: ${request.message.slice(0, 500)}`);
  if (request.programs.length > 0) lines.push(`Programs: ${request.programs.join(', ')}`);
  lines.push(`Wallet: ${request.walletAddress} on ${request.network}`);
  if (request.origin !== 'app') lines.push('Asked by a connected page (Wallet Standard).');
  for (const w of request.warnings) lines.push(`Warning: ${w}`);
  const approveLabel = request.kind === 'message' ? 'Sign' : request.kind === 'auto-pay' || request.kind === 'network' ? 'Allow' : 'Approve';
  return { title: request.purpose, detail: lines.join('\n'), approveLabel };
}
