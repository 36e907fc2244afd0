import './lease-files-card.css';
import { useRef, useState } from 'react';
import type { DragEvent } from 'react';
import type { AccessTransfer } from '../../../../common/api/access';
import type { LeaseNodeStatus } from '../../../../common/hub/lease-types';
import { useStores, useStoreState } from '../../app/store-hooks';
import { formatBytes } from '../../format/hardware-format';
import type { StagingUpload } from '../../stores/access-store';

interface LeaseFilesCardProps {
  leaseId: string;
  nodes: LeaseNodeStatus[];
  live: boolean;
}

/**
 * Files to and from a node: drop files (or pick them) to upload them into a folder of the
 * node's container, or download a path of it (a folder comes as a tar) into Downloads;
 * each with its size and a progress bar.
 */
export function LeaseFilesCard({ leaseId, nodes, live }: LeaseFilesCardProps) {
  const { access } = useStores();
  const actions = access.getState();
  const allTransfers = useStoreState('access', (s) => s.transfers);
  const allStaging = useStoreState('access', (s) => s.staging);
  const transfers = allTransfers.filter((t) => t.leaseId === leaseId);
  const staging = allStaging.filter((u) => u.leaseId === leaseId);
  const [rank, setRank] = useState(nodes[0]?.rank ?? 0);
  const [remoteDir, setRemoteDir] = useState('/scratch');
  const [remotePath, setRemotePath] = useState('/outputs');
  const [over, setOver] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const running = nodes.find((n) => n.rank === rank)?.state === 'running';
  const dirValid = remoteDir.startsWith('/');
  const pathValid = remotePath.startsWith('/');

  const upload = (files: FileList | null) => {
    if (!files || !running || !dirValid) return;
    // One after the other: each part waits for the app, and the node takes one stream per file.
    void (async () => {
      for (const file of Array.from(files)) await actions.uploadFile(leaseId, rank, remoteDir, file);
    })();
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    // A dropped folder arrives as an empty "file": refuse it rather than upload nothing under its name.
    const folders = Array.from(event.dataTransfer.items ?? [])
      .map((item) => item.webkitGetAsEntry?.())
      .filter((entry) => entry?.isDirectory)
      .map((entry) => entry!.name);
    setRefused(folders.length > 0 ? `Folders are not uploaded as such (${folders.join(', ')}): drop a tar of each and unpack it in a terminal.` : null);
    if (folders.length > 0) return;
    upload(event.dataTransfer.files);
  };

  if (!live && transfers.length === 0) return null;
  return (
    <section className="card rent-files" data-testid="lease-files" aria-label="Files">
      <div className="section-head">
        <h3 className="section-title">Files</h3>
        <span className="section-meta">To and from a node's container, through the hub</span>
      </div>
      {live ? (
        <>
          <div className="rent-files-row">
            <label>
              Node{' '}
              <select className="text-input" value={rank} onChange={(e) => setRank(Number(e.target.value))} aria-label="Node" data-testid="files-node">
                {nodes.map((n) => (
                  <option key={n.rank} value={n.rank}>
                    {n.rank}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Upload into{' '}
              <input className="text-input mono" value={remoteDir} onChange={(e) => setRemoteDir(e.target.value.trim())} aria-label="Folder in the container" data-testid="files-upload-dir" />
            </label>
          </div>
          <div
            className={over ? 'rent-files-drop rent-files-drop-over' : 'rent-files-drop'}
            onDragOver={(e) => {
              e.preventDefault();
              setOver(true);
            }}
            onDragLeave={() => setOver(false)}
            onDrop={onDrop}
            data-testid="files-drop"
          >
            <span className="muted small">{running ? 'Drop files here, or ' : 'The node is not running. '}</span>
            <button type="button" className="button button-small" disabled={!running || !dirValid} onClick={() => picker.current?.click()} data-testid="files-pick">
              Choose files…
            </button>
            {refused ? (
              <p className="field-error" role="alert" data-testid="files-refused">
                {refused}
              </p>
            ) : null}
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              onChange={(e) => {
                upload(e.target.files);
                e.target.value = '';
              }}
              data-testid="files-input"
            />
          </div>
          <form
            className="rent-files-row"
            onSubmit={(e) => {
              e.preventDefault();
              if (pathValid && running) void actions.downloadFile(leaseId, rank, remotePath);
            }}
          >
            <label>
              Download{' '}
              <input className="text-input mono" value={remotePath} onChange={(e) => setRemotePath(e.target.value.trim())} aria-label="Path in the container" data-testid="files-download-path" />
            </label>
            <button type="submit" className="button button-small" disabled={!pathValid || !running} data-testid="files-download">
              Download
            </button>
            <span className="muted small">to your Downloads folder (a folder comes as a tar)</span>
          </form>
        </>
      ) : null}
      {staging.length + transfers.length > 0 ? (
        <ul className="rent-files-list">
          {staging.map((u) => (
            <StagingItem key={u.uploadId} upload={u} onDismiss={() => actions.dismissStaging(u.uploadId)} />
          ))}
          {[...transfers].reverse().map((t) => (
            <TransferItem key={t.transferId} transfer={t} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function Bar({ done, total, failed }: { done: number; total: number | null; failed: boolean }) {
  // A failed transfer fills the bar in the warning colour; a download of unknown size shows half until done.
  const share = failed ? 1 : total === null ? null : total === 0 ? 1 : Math.min(1, done / total);
  return (
    <div className="meter" role="progressbar" aria-valuemin={0} aria-valuemax={1} aria-valuenow={share ?? undefined}>
      <div className={failed ? 'meter-fill meter-fill-warn' : 'meter-fill'} style={{ width: `${(share ?? 0.5) * 100}%` }} />
    </div>
  );
}

function StagingItem({ upload, onDismiss }: { upload: StagingUpload; onDismiss: () => void }) {
  return (
    <li className="rent-files-item" data-testid="file-staging" data-state={upload.error ? 'failed' : 'running'}>
      <span className="small">
        Preparing <code>{upload.name}</code> → node {upload.rank} <code>{upload.remotePath}</code>: {formatBytes(upload.stagedBytes)} of {formatBytes(upload.totalBytes)}
      </span>
      <Bar done={upload.stagedBytes} total={upload.totalBytes} failed={upload.error !== null} />
      {upload.error ? (
        <span className="field-error">
          {upload.error}{' '}
          <button type="button" className="button button-small button-ghost" onClick={onDismiss}>
            Dismiss
          </button>
        </span>
      ) : null}
    </li>
  );
}

function TransferItem({ transfer: t }: { transfer: AccessTransfer }) {
  const verb = t.kind === 'upload' ? (t.state === 'done' ? 'Uploaded' : 'Uploading') : t.state === 'done' ? 'Downloaded' : 'Downloading';
  const size = t.totalBytes !== null ? `${formatBytes(t.bytes)} of ${formatBytes(t.totalBytes)}` : formatBytes(t.bytes);
  return (
    <li className="rent-files-item" data-testid="file-transfer" data-kind={t.kind} data-state={t.state} data-remote-path={t.remotePath} data-local-path={t.kind === 'download' ? t.localPath : ''}>
      <span className="small">
        {t.state === 'failed' ? `${t.kind === 'upload' ? 'Upload' : 'Download'} failed:` : verb} node {t.rank} <code>{t.remotePath}</code>
        {t.kind === 'download' && t.state === 'done' ? (
          <>
            {' '}
            to <code>{t.localPath}</code>
          </>
        ) : null}
        : <span data-testid="file-transfer-size">{size}</span>
      </span>
      <Bar done={t.state === 'done' ? 1 : t.bytes} total={t.state === 'done' ? 1 : t.totalBytes} failed={t.state === 'failed'} />
      {t.error ? <span className="field-error">{t.error}</span> : null}
    </li>
  );
}
