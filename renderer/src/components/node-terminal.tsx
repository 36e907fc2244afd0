import './node-terminal.css';
import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';

interface NodeTerminalProps {
  terminalId: string;
  /** Subscribes to this terminal's output; returns how to stop. */
  subscribe(listener: (data: string) => void): () => void;
  onInput(data: string): void;
  onResize(cols: number, rows: number): void;
  /** Closed terminals keep their text but take no input. */
  closed: boolean;
}

/**
 * A shell on a node, drawn by xterm.js: keystrokes (Ctrl-C included) go out as the
 * terminal encodes them, output is written as it comes, and the size follows the box
 * (the node's TTY is resized with it).
 */
export function NodeTerminal({ terminalId, subscribe, onInput, onResize, closed }: NodeTerminalProps) {
  const box = useRef<HTMLDivElement>(null);
  const handlers = useRef({ onInput, onResize, closed });
  handlers.current = { onInput, onResize, closed };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const term = new Terminal({ cursorBlink: true, fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace', fontSize: 13, scrollback: 5_000, convertEol: false });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    const refit = () => {
      try {
        fit.fit();
      } catch {
        // not laid out yet
      }
    };
    refit();
    const offData = term.onData((data) => {
      if (!handlers.current.closed) handlers.current.onInput(data);
    });
    const offResize = term.onResize(({ cols, rows }) => handlers.current.onResize(cols, rows));
    handlers.current.onResize(term.cols, term.rows);
    const offOutput = subscribe((data) => term.write(data));
    const observer = new ResizeObserver(() => refit());
    observer.observe(el);
    term.focus();
    return () => {
      observer.disconnect();
      offOutput();
      offData.dispose();
      offResize.dispose();
      term.dispose();
    };
  }, [terminalId, subscribe]);

  return <div className="node-terminal" ref={box} data-testid="node-terminal" data-terminal-id={terminalId} data-closed={closed ? 'true' : 'false'} />;
}
