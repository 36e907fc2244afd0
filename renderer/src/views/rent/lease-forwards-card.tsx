import './lease-forwards-card.css';
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { LeaseNodeStatus } from '../../../../common/hub/lease-types';
import { useStores, useStoreState } from '../../app/store-hooks';

interface LeaseForwardsCardProps {
  leaseId: string;
  nodes: LeaseNodeStatus[];
  live: boolean;
}

/**
 * Port forwards of the lease: "port N of node K" listens on 127.0.0.1 of this computer
 * (the address is shown), carries any TCP (HTTP, WebSockets) and opens in the browser.
 */
export function LeaseForwardsCard({ leaseId, nodes, live }: LeaseForwardsCardProps) {
  const { access } = useStores();
  const actions = access.getState();
  const all = useStoreState('access', (s) => s.forwards);
  const forwarding = useStoreState('access', (s) => s.forwarding);
  const forwards = all.filter((f) => f.leaseId === leaseId);
  const [rank, setRank] = useState(nodes[0]?.rank ?? 0);
  const [port, setPort] = useState('8888');
  const portNumber = Number(port);
  const valid = Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid) void actions.openForward(leaseId, rank, portNumber);
  };

  if (!live && forwards.length === 0) return null;
  return (
    <section className="card rent-forwards" data-testid="lease-forwards" aria-label="Port forwards">
      <div className="section-head">
        <h3 className="section-title">Port forwards</h3>
        <span className="section-meta">A port of a node on 127.0.0.1 of this computer</span>
      </div>
      {live ? (
        <form className="rent-forwards-form" onSubmit={submit}>
          <label>
            Port{' '}
            <input className="text-input mono rent-forwards-port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value.trim())} aria-label="Container port" data-testid="forward-port" />
          </label>
          <label>
            of node{' '}
            <select className="text-input" value={rank} onChange={(e) => setRank(Number(e.target.value))} aria-label="Node" data-testid="forward-node">
              {nodes.map((n) => (
                <option key={n.rank} value={n.rank}>
                  {n.rank}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="button button-small" disabled={!valid || forwarding} data-testid="forward-open">
            {forwarding ? 'Opening…' : 'Open port'}
          </button>
        </form>
      ) : null}
      {forwards.length > 0 ? (
        <ul className="rent-forwards-list">
          {forwards.map((f) => (
            <li key={f.forwardId} className="rent-forward" data-testid="forward-row" data-port={f.port} data-local-port={f.localPort} data-url={f.url}>
              <span>
                Port <strong>{f.port}</strong> of node {f.rank} → <code data-testid="forward-url">{f.url}</code>
                <span className="muted small"> · {f.connections} connection{f.connections === 1 ? '' : 's'}</span>
              </span>
              <a className="button button-small" href={f.url} target="_blank" rel="noreferrer" data-testid="forward-browser">
                Open in browser
              </a>
              <button type="button" className="button button-small button-ghost" onClick={() => actions.closeForward(f.forwardId)} data-testid="forward-close">
                Close
              </button>
              {f.lastError ? (
                <p className="field-error rent-forward-error" data-testid="forward-error">
                  {f.lastError}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
