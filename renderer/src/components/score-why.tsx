import './score-why.css';
import type { WorkerReputation } from '../../../common/hub/http-api';

interface ScoreWhyProps {
  /** "Your score" or "This supplier's score". */
  label: string;
  score: number;
  /** A machine's explanation (formula, parts, exposure caps), from the hub. */
  worker?: WorkerReputation['why'];
  /** A renter's explanation, one sentence from the hub. */
  text?: string;
  testId: string;
}

/** "Why is my score X": the hub's own explanation, folded under the score. */
export function ScoreWhy({ label, score, worker, text, testId }: ScoreWhyProps) {
  return (
    <details className="score-why" data-testid={testId} data-score={score}>
      <summary>
        {label}: <strong>{score.toFixed(2)}</strong> <span className="muted small">— why?</span>
      </summary>
      {worker ? (
        <>
          <p className="muted small" data-testid={`${testId}-formula`}>
            {worker.formula}
          </p>
          <ul className="score-why-parts small">
            {worker.parts.map((part) => (
              <li key={part.name}>
                <strong>{part.name}</strong> {part.value.toFixed(2)} × {part.weight} = {part.adds >= 0 ? '+' : ''}
                {part.adds.toFixed(3)}: {part.why}
              </li>
            ))}
          </ul>
          <p className="small" data-testid={`${testId}-exposure`}>
            {worker.exposure.why}
          </p>
        </>
      ) : null}
      {text ? <p className="small">{text}</p> : null}
    </details>
  );
}
