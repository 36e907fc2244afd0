import './modal.css';
import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';

interface ModalProps {
  title: string;
  /** Escape and the backdrop call it; omit for a dialog that must be answered with its buttons. */
  onClose?: () => void;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  tone?: 'default' | 'danger';
}

/**
 * A modal dialog on the native <dialog> element: the browser keeps focus inside it and
 * makes the page behind inert, which a hand-made overlay gets wrong.
 */
export function Modal({ title, onClose, children, footer, testId, tone = 'default' }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) {
      dialog.showModal();
      // The browser focuses the first control; a dialog names its main one with data-autofocus
      // (the welcome's first control is "Skip for now", not what a newcomer came for).
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className={`modal modal-${tone}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        // Escape: close only when the dialog allows it.
        event.preventDefault();
        onClose?.();
      }}
      onClick={(event) => {
        if (event.target === ref.current) onClose?.();
      }}
    >
      <div className="modal-body">
        <h2 className="modal-title" id={titleId}>
          {title}
        </h2>
        {children}
      </div>
      {footer ? <footer className="modal-footer">{footer}</footer> : null}
    </dialog>
  );
}
