import type { TokenUnit } from '../../../common/money/token';
import { moneyParts } from '../format/wallet-format';

interface MoneyProps {
  baseUnits: string | bigint;
  token: TokenUnit;
  signed?: boolean;
  testId?: string;
  className?: string;
}

/** An amount as every screen shows it (the token's display decimals), every digit on hover. */
export function Money({ baseUnits, token, signed, testId, className }: MoneyProps) {
  const { text, exact, rounded } = moneyParts(baseUnits, token, { signed });
  return (
    <span className={className} title={rounded ? `Exactly ${exact}` : undefined} data-testid={testId} data-exact={exact}>
      {text}
    </span>
  );
}
