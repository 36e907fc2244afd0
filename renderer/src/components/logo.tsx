import './logo.css';
interface LogoProps {
  size?: number;
}

/**
 * The Idlegrid mark: a 3×3 grid of GPUs, some lit (busy), most idle. Inline so the
 * app needs no image file and works offline.
 */
export function Logo({ size = 28 }: LogoProps) {
  const cells = [0, 1, 2].flatMap((row) => [0, 1, 2].map((col) => ({ row, col })));
  const lit = new Set(['0:0', '1:1', '2:1', '1:2']);
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="0" y="0" width="32" height="32" rx="8" className="logo-bg" />
      {cells.map(({ row, col }) => (
        <rect
          key={`${row}:${col}`}
          x={6 + col * 7.5}
          y={6 + row * 7.5}
          width="5"
          height="5"
          rx="1.4"
          className={lit.has(`${row}:${col}`) ? 'logo-cell logo-cell-lit' : 'logo-cell'}
        />
      ))}
    </svg>
  );
}
