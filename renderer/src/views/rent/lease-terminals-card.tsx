import './lease-terminals-card.css';
import { useCallback, useState } from 'react';
import type { LeaseNodeStatus } from '../../../../common/hub/lease-types';
import { useStores, useStoreState } from '../../app/store-hooks';
import { NodeTerminal } from '../../components/node-terminal';

interface LeaseTerminalsCardProps {
  leaseId: string;
  nodes: LeaseNodeStatus[];
  live: boolean;
}

/**
 * Terminals on the lease's nodes: a shell in any running node's container (through the
 * hub, no open port on either side), several at once as tabs, each kept with its text
 * and the reason after it closes.
 */
export function LeaseTerminalsCard({ leaseId, nodes, live }: LeaseTerminalsCardProps) {
  const { access } = useStores();
  const actions = access.getState();
  const all = useStoreState('access', (s) => s.terminals);
  const opening = useStoreState('access', (s) => s.opening);
  const error = useStoreState('access', (s) => s.error);
  const terminals = all.filter((t) => t.leaseId === leaseId);
  const [activeId, setActiveId] = useState<string | null>(null);
  const downloading = useStoreState('access', (s) => s.downloadingOutputs);
  const [saved, setSaved] = useState<string[]>([]);
  const downloadOutputs = async () => {
    const paths = await actions.downloadOutputs(leaseId, nodes.map((n) => n.rank));
    if (paths) setSaved(paths);
  };
  const active = terminals.find((t) => t.terminalId === activeId) ?? terminals[terminals.length - 1] ?? null;
  const activeTerminalId = active?.terminalId ?? null;
  const subscribe = useCallback((listener: (data: string) => void) => (activeTerminalId ? access.getState().onOutput(activeTerminalId, listener) : () => undefined), [access, activeTerminalId]);

  const open = async (rank: number) => {
    const tab = await actions.openTerminal(leaseId, rank, 100, 24);
    if (tab) setActiveId(tab.terminalId);
  };

  if (!live && terminals.length === 0) return null;
  return (
    <section className="card rent-terminals" data-testid="lease-terminals" aria-label="Terminals">
      <div className="section-head">
        <h3 className="section-title">Terminals</h3>
        <span className="section-meta">A shell in a node's container, through the hub</span>
      </div>
      {live ? (
        <div className="rent-terminals-open">
          {nodes.map((node) => (
            <button
              key={node.rank}
              type="button"
              className="button button-small"
              disabled={node.state !== 'running' || opening !== null}
              title={node.state === 'running' ? undefined : 'The node is not running yet'}
              onClick={() => void open(node.rank)}
              data-testid="open-terminal"
              data-rank={node.rank}
            >
              {opening?.leaseId === leaseId && opening.rank === node.rank ? 'Opening…' : `Open terminal on node ${node.rank}`}
            </button>
          ))}
          <button type="button" className="button button-small" disabled={downloading !== null || !nodes.some((n) => n.state === 'running')} onClick={() => void downloadOutputs()} data-testid="download-outputs" title="Each node's /outputs, as a tar in your Downloads folder">
            {downloading === leaseId ? 'Downloading outputs…' : 'Download outputs'}
          </button>
        </div>
      ) : null}
      {saved.length > 0 ? (
        <p className="muted small" data-testid="outputs-saved">
          Saved: {saved.join(', ')}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" role="alert" data-testid="terminal-error">
          {error}{' '}
          <button type="button" className="button button-small button-ghost" onClick={() => actions.dismissError()}>
            Dismiss
          </button>
        </p>
      ) : null}
      {terminals.length > 0 ? (
        <div className="rent-terminal-tabs" role="tablist">
          {terminals.map((t, i) => (
            <span key={t.terminalId} className={t === active ? 'rent-terminal-tab rent-terminal-tab-active' : 'rent-terminal-tab'}>
              <button type="button" role="tab" aria-selected={t === active} className="button button-small button-ghost" onClick={() => setActiveId(t.terminalId)} data-testid="terminal-tab" data-terminal-id={t.terminalId} data-closed={t.closed ? 'true' : 'false'}>
                #{i + 1} node {t.rank}
                {t.closed ? ' (closed)' : ''}
              </button>
              <button type="button" className="button button-small button-ghost" aria-label="Close terminal" onClick={() => (t.closed ? actions.dismiss(t.terminalId) : actions.closeTerminal(t.terminalId))} data-testid="terminal-close">
                ×
              </button>
            </span>
          ))}
        </div>
      ) : null}
      {active ? (
        <>
          <NodeTerminal
            key={active.terminalId}
            terminalId={active.terminalId}
            subscribe={subscribe}
            onInput={(data) => actions.input(active.terminalId, data)}
            onResize={(cols, rows) => actions.resize(active.terminalId, cols, rows)}
            closed={active.closed !== null}
          />
          {active.closed ? (
            <p className={active.closed.failed ? 'field-error' : 'muted small'} data-testid="terminal-closed">
              {active.closed.reason}
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
