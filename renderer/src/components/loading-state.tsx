import './loading-state.css';
import { Spinner } from './spinner';

interface LoadingStateProps {
  message: string;
}

export function LoadingState({ message }: LoadingStateProps) {
  return (
    <div className="loading-state" role="status">
      <Spinner />
      <span>{message}</span>
    </div>
  );
}
