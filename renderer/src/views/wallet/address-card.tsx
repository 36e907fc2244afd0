import './address-card.css';
import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { CopyButton } from '../../components/copy-button';
import { usePaymentToken } from '../../wallet/use-payment-token';

/** The address to receive at: in full, with copy and a QR code (a data: URL image, as the CSP allows). */
export function AddressCard({ address, label, note }: { address: string; label: string | null; note?: string }) {
  const [qr, setQr] = useState<string | null>(null);
  const token = usePaymentToken();

  useEffect(() => {
    let live = true;
    QRCode.toDataURL(address, { margin: 1, width: 168, errorCorrectionLevel: 'M' })
      .then((url) => live && setQr(url))
      .catch(() => live && setQr(null));
    return () => {
      live = false;
    };
  }, [address]);

  return (
    <section className="card address-card" data-testid="wallet-address-card">
      <h2 className="card-title">{label ?? 'Wallet'}</h2>
      <div className="address-card-body">
        {qr ? <img className="qr" src={qr} alt={`QR code of ${address}`} width={168} height={168} data-testid="wallet-qr" /> : <div className="qr qr-empty" />}
        <div className="address-card-text">
          <span className="field-label">Address (to receive SOL and {token.symbol})</span>
          <div className="address-line">
            <code className="address" data-testid="wallet-address">
              {address}
            </code>
            <CopyButton text={address} what="address" />
          </div>
          {note ? <p className="small muted">{note}</p> : null}
        </div>
      </div>
    </section>
  );
}
