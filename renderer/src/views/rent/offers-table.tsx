import './offers-table.css';
import type { OfferListing } from '../../../../common/hub/market-types';
import { ShareMeter } from '../../components/share-meter';
import { StatusPill } from '../../components/status-pill';
import { formatDuration } from '../../format/market-format';
import type { TokenUnit } from '../../../../common/money/token';
import { formatVram } from './rent-format';
import { Money } from '../../components/money';

interface OffersTableProps {
  offers: OfferListing[];
  /** The unit of the prices (the hub's payment token). */
  token: TokenUnit;
  /** The model the cluster is built from, when the renter picked one. */
  chosenModel: string | null;
  onChooseModel: (model: string | null) => void;
}

/** One page of the market: what each machine offers and on what terms. */
export function OffersTable({ offers, token, chosenModel, onChooseModel }: OffersTableProps) {
  return (
    <div className="card card-flush table-wrap">
      <table className="table rent-offers" data-testid="rent-offers">
        <thead>
          <tr>
            <th scope="col">GPU</th>
            <th scope="col" className="num">VRAM</th>
            <th scope="col" className="num">Free / total</th>
            <th scope="col" className="num">Price per GPU-hour</th>
            <th scope="col">Reliability</th>
            <th scope="col" className="rent-col-region">Region</th>
            <th scope="col" className="rent-col-lease">Lease</th>
            <th scope="col">
              <span className="visually-hidden">Build from this model</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {offers.map((offer) => {
            const chosen = chosenModel === offer.gpuModel;
            return (
              <tr key={offer.offerId} className={chosen ? 'rent-offer-chosen' : undefined} data-testid="offer-row" data-offer-id={offer.offerId} data-gpu-model={offer.gpuModel} data-free-gpus={offer.freeGpus}>
                <td>
                  <div className="rent-offer-model">
                    <span className="rent-offer-name">{offer.gpuModel}</span>
                    {offer.interruptible ? (
                      <StatusPill tone="warn" title="The supplier may take these GPUs back mid-lease; cheaper for that." testId="offer-interruptible">
                        Interruptible
                      </StatusPill>
                    ) : null}
                  </div>
                  <span className="muted small">
                    {offer.performance > 0 ? `${offer.performance.toFixed(1)} TFLOPS FP32` : null}
                    <span className="rent-inline-region">
                      {offer.performance > 0 ? ' · ' : ''}
                      {offer.region}
                    </span>
                  </span>
                </td>
                <td className="num">{formatVram(offer.vramMiB)}</td>
                <td className="num">
                  <span className={offer.freeGpus === 0 ? 'muted' : undefined}>{offer.freeGpus}</span>
                  <span className="muted"> / {offer.gpuCount}</span>
                </td>
                <td className="num mono" data-testid="offer-price">
                  <Money baseUnits={offer.pricePerGpuHour} token={token} />
                  {offer.egressPricePerHour !== undefined ? (
                    <span className="muted small" data-testid="offer-egress-price" title="Internet access for the job, per machine-hour, on top of the GPU price">
                      {' '}+ internet <Money baseUnits={offer.egressPricePerHour} token={token} />/h
                    </span>
                  ) : null}
                </td>
                <td>
                  {offer.newMachine ? (
                    <StatusPill tone="info" title="No lease or GPU check of this machine has been recorded yet: there is no reliability to show." testId="offer-new-machine">
                      new
                    </StatusPill>
                  ) : (
                    <ShareMeter share={offer.reliability} label="Reliability" />
                  )}
                </td>
                <td className="rent-col-region">
                  <span className="rent-region">{offer.region}</span>
                </td>
                <td className="muted small rent-col-lease">
                  {offer.minLeaseMs > 0 ? formatDuration(offer.minLeaseMs) : 'any'} – {formatDuration(offer.maxLeaseMs)}
                </td>
                <td className="rent-offer-actions">
                  <button
                    type="button"
                    className={chosen ? 'button button-small rent-chosen-button' : 'button button-small'}
                    aria-pressed={chosen}
                    onClick={() => onChooseModel(chosen ? null : offer.gpuModel)}
                    title={chosen ? 'Build from any model the filters allow' : `Build the cluster from ${offer.gpuModel} GPUs`}
                    data-testid="offer-choose-model"
                  >
                    {chosen ? 'Chosen' : 'Use model'}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
