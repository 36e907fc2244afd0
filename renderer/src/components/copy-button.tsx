import { useEffect, useState } from 'react';
import { Icon } from './icon';

interface CopyButtonProps {
  text: string;
  /** What is copied, for the accessible name: "Copy GPU UUID". */
  what: string;
}

export function CopyButton({ text, what }: CopyButtonProps) {
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      // Clipboard refused (an insecure origin or a denied permission): the full text
      // is still in the tooltip to select by hand.
    }
  }

  return (
    <button
      type="button"
      className="icon-button"
      onClick={() => void copy()}
      aria-label={copied ? `${what} copied` : `Copy ${what}`}
      title={copied ? 'Copied' : `Copy ${what}`}
    >
      <Icon name={copied ? 'check' : 'copy'} size={14} />
    </button>
  );
}
