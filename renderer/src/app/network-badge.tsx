/**
 * The network this app talks to. Only the Sandbox exists for now; the network
 * feature will feed this from settings. It is always on screen because product.md
 * asks that everything says "Sandbox" clearly: no one should think real money moves.
 */
export function NetworkBadge() {
  const tooltip = 'Sandbox network: everything runs on this machine; no real money';
  return (
    <span className="network-badge" title={tooltip} aria-label={tooltip} data-testid="network-badge" tabIndex={0}>
      <span className="network-badge-dot" aria-hidden="true" />
      Sandbox
    </span>
  );
}
